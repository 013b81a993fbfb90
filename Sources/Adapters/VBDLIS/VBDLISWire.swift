import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// VBDLIS's request bodies.
extension VBDLISMapping {
    struct HandOver: Encodable {
        var LaQuyTrinhCapTinh: Bool
        var TinhId: String
        var HuyenId: String
        var XaId: String
        var SoBienNhan: String
        var MaHoSoMotCua: String
        var NguoiTiepNhan: String
        var NgayTiepNhan: String
        var NgayHenTra: String
        var DiaChiTaiSan: String
        var ThongTinNguoiNopDon: Applicant
        var ThongTinQuyTrinh: Workflow
        var ThongTinThuaDat: [Parcel]
        var DanhSachGiayToDinhKem: [Attachment]
    }

    struct Applicant: Encodable {
        var HoTen: String
        var SoChungMinh: String
        var DiaChiChiTiet: String
        var SoDienThoai: String
        var Email: String
    }

    struct Workflow: Encodable {
        var MaQuyTrinh: String
        var TenQuyTrinh: String
    }

    struct Parcel: Encodable {
        var SoThuTuThua: String
        var SoHieuBanDo: String
        var DienTich: Double
        var DiaChiChiTiet: String
    }

    struct Attachment: Encodable {
        var TenGiayTo: String
        var SoBanChinh: Int
        var SoBanSao: Int
        var TapTin: File
    }

    struct File: Encodable {
        var name: String
        /// Base64.
        var data: String
    }

    struct Supplement: Encodable {
        var SoBienNhan: String
        var NgayHenTraMoi: String
        var GhiChu: String
        var DanhSachGiayToBoSung: [String]
    }

    struct ReturnResult: Encodable {
        var SoBienNhan: String
        var NgayTra: String
    }
}

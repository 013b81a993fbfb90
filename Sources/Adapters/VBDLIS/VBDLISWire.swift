import AdapterSupport
import Foundation
import GatewayModel

/// VBDLIS's request bodies: integer area ids, `DienTich` as text, ISO 8601 local dates, and
/// `null` where real clients leave a value out.
extension VBDLISMapping {
    struct HandOver: Encodable {
        var LaQuyTrinhCapTinh: Bool
        var TinhId: Int
        var HuyenId: Int
        var XaId: Int
        /// The dossier code (MaHoSo), as real clients send it.
        var SoBienNhan: String
        var MaHoSoMotCua: Nullable<String>
        /// The receiving officer's user name.
        var NguoiTiepNhan: Nullable<String>
        var NgayTiepNhan: String
        var NgayHenTra: Nullable<String>
        var DiaChiTaiSan: Nullable<String>
        var ThongTinNguoiNopDon: Applicant
        var ThongTinQuyTrinh: Workflow
        var ThongTinThuaDat: Nullable<[Parcel]>
        var DanhSachGiayToDinhKem: [Attachment]
    }

    struct Applicant: Encodable {
        var HoTen: String
        var SoChungMinh: Nullable<String>
        var DiaChiChiTiet: Nullable<String>
        var SoDienThoai: Nullable<String>
        var Email: Nullable<String>
    }

    struct Workflow: Encodable {
        var MaQuyTrinh: String
        var TenQuyTrinh: String
    }

    struct Parcel: Encodable, Sendable {
        var SoThuTuThua: String
        var SoHieuBanDo: String
        /// Square metres, as text.
        var DienTich: String
        var DiaChiChiTiet: String
    }

    struct Attachment: Encodable, Sendable {
        var TenGiayTo: String
        var SoBanChinh: Int
        var SoBanSao: Int
        var TapTin: File
    }

    struct File: Encodable, Sendable {
        var name: String
        /// Base64.
        var data: String
    }

    struct Supplement: Encodable {
        var SoBienNhan: String
        var NgayHenTraMoi: Nullable<String>
        /// `""` when the one-stop gave no note.
        var GhiChu: String
        /// The papers asked for; `null` when the event names none. The row shape is not known
        /// from any client: the gateway sends the attachment rows of `tiepnhan`.
        var DanhSachGiayToBoSung: Nullable<[Attachment]>
    }

    struct ReturnResult: Encodable {
        var SoBienNhan: String
        var NgayTra: String
    }

    /// The one-stop reports that the result VBDLIS returned is wrong.
    struct DisputeResult: Encodable {
        var SoBienNhan: String
        var NoiDung: String
        var DanhSachGiayToDinhKem: Nullable<[Attachment]>
    }
}

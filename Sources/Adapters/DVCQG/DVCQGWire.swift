import Foundation
import GatewayModel

/// DVCQG's view of a dossier (`hoSo` in `DongBoHoSoMC`). Every value is a string.
struct HoSo: Codable, Equatable {
    var MaHoSo: String
    var MaTTHC: String
    var TenTTHC: String
    var MaLinhVuc: String
    var TenLinhVuc: String
    var KenhThucHien: String
    var SoBienNhan: String?
    var ChuHoSo: String
    var LoaiDoiTuong: String
    var MaDoiTuong: String?
    var Email: String?
    var SoDienThoai: String?
    var TrichYeuHoSo: String?
    var NgayTiepNhan: String?
    var NgayHenTra: String?
    var TrangThaiHoSo: String
    var NgayTra: String?
    var NgayKetThucXuLy: String?
    var NgayTuChoi: String?
    var NgayNopHoSo: String?
    var DonViXuLy: String?
    var GhiChu: String?
    var NoiNopHoSo: String?
    var HoSoCoThanhPhanSoHoa: String?
    var TaiKhoanDuocXacThucVoiVNeID: String?
    var DuocThanhToanTrucTuyen: String?
    var DinhDanhCHS: [DinhDanh]?
    var TaiLieuNop: [TaiLieu]?
    var DanhSachLePhi: [LePhi]?

    struct DinhDanh: Codable, Equatable {
        /// 1 = 12-digit CCCD, 2 = 9-digit CMND.
        var LoaiDinhDanh: String
        var SoDinhDanh: String
    }

    struct TaiLieu: Codable, Equatable {
        var TenTepDinhKem: String
        var MaThanhPhanHoSo: String?
        var DuongDanTaiTepTin: String?
    }

    struct LePhi: Codable, Equatable {
        var TenPhiLePhi: String
        var MucPhi: String
    }
}

/// One processing-progress row (`tienDo` in `CapNhatTienDoHoSoMC`).
struct TienDo: Codable, Equatable {
    var MaHoSo: String
    /// At most 50 characters.
    var NguoiXuLy: String
    var ChucDanh: String?
    var ThoiDiemXuLy: String
    var PhongBanXuLy: String?
    var NoiDungXuLy: String
    var TrangThai: String
    var NgayBatDau: String?
    var NgayKetThucTheoQuyDinh: String?
}

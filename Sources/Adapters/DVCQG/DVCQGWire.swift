import Foundation
import GatewayModel

/// DVCQG's view of a dossier (`hoSo` in `DongBoHoSoMC`). Every value is a string; a date the
/// dossier does not have yet is `""`; other values it lacks are left out.
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
    /// Online dossiers only.
    var MaDoiTuong: String?
    var Email: String?
    var SoDienThoai: String?
    /// At most 1000 characters.
    var TrichYeuHoSo: String?
    var NgayTiepNhan: String
    var NgayHenTra: String
    var TrangThaiHoSo: String
    var NgayTra: String
    var NgayKetThucXuLy: String
    var NgayTuChoi: String
    var NgayNopHoSo: String
    var DonViXuLy: String?
    var GhiChu: String?
    var NoiNopHoSo: String?
    var HoSoCoThanhPhanSoHoa: String?
    var TaiKhoanDuocXacThucVoiVNeID: String?
    var DuocThanhToanTrucTuyen: String?
    var SoGiayToChuHoSo: String?
    var DinhDanhCHS: [DinhDanh]?
    var DSKetNoiCSDL: [KetNoiCSDL]?
    var TaiLieuNop: [TaiLieu]?
    var DanhSachLePhi: [LePhi]?
    var DanhSachGiayToKetQua: [GiayToKetQua]?

    struct DinhDanh: Codable, Equatable {
        /// 1 = 12-digit CCCD, 2 = 9-digit CMND.
        var LoaiDinhDanh: String
        var SoDinhDanh: String
    }

    struct KetNoiCSDL: Codable, Equatable {
        var MaCSDL: String
    }

    struct TaiLieu: Codable, Equatable {
        var TepDinhKemId: String?
        /// At most 4000 characters.
        var TenTepDinhKem: String
        var IsDeleted: String
        var MaThanhPhanHoSo: String?
        /// A download URL DVCQG fetches.
        var DuongDanTaiTepTin: String?
        var DuocSoHoa: String?
        var DuocTaiSuDung: String?
        var DuocLayTuKhoDMQG: String?
        var MaKetQuaThayThe: String?
    }

    struct LePhi: Codable, Equatable {
        var TenPhiLePhi: String
        var MaPhiLePhi: String?
        var HinhThucThu: String?
        /// The amount, in đồng.
        var Gia: String
        var LoaiPhiLePhi: String?
    }

    struct GiayToKetQua: Codable, Equatable {
        /// At most 2000 characters.
        var TenGiayTo: String
        var MaThanhPhanHoSo: String?
        var GiayToId: String?
        var DuongDanTepTinKetQua: String?
        var MaGiayToKetQua: String?
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
    var NgayBatDau: String
    var NgayKetThucTheoQuyDinh: String
}

/// A value cut to the length DVCQG takes, for the log.
struct Truncation: Equatable {
    var field: String
    var length: Int
    var limit: Int
}

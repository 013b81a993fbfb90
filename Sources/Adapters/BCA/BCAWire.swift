import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The body of the status push.
struct BCAStatusPush: Codable, Equatable {
    var maTTHC: String
    var soHoSoLT: String
    var coQuanXuLy: String
    var maHoSo: String
    var trangThai: Int
    var thoiGianThucHien: String
    var ghiChu: String
    /// A JSON object sent as a string.
    var ketQuaXuLy: String
    var nguoiXuLy: String
    var chucDanh: String
    var phongBanXuLy: String
    var noiDungXuLy: String
    var ngayBatDau: String?
    var ngayKetThucTheoQuyDinh: String?
    var ngayHenTraTruoc: String?
    var ngayHenTraMoi: String?
    var hanBoSungHoSo: String?
}

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The body of `NhanDKHT`.
struct HoTichRegistration: Codable, Equatable {
    var maDonVi: String
    var module: String
    var maHoSoLT: String?
    var maHoSoMCDT: String
    var ngayTiepNhan: String
    /// `{"hoTich": {…}}` as a JSON string.
    var data: String
    var fileDinhKem: [Attachment]

    struct Attachment: Codable, Equatable {
        var tenTep: String
        var duongDan: String?
    }
}

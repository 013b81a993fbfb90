import AdapterSupport
import Foundation
import GatewayModel

/// The body of `NhanDKHT`.
struct HoTichRegistration: Encodable {
    /// The registration office's area code.
    var maDonVi: String
    /// `LTKS`, `LTKT` or `LTKH`.
    var module: String
    var maHoSoLT: Nullable<String>
    var maHoSoMCDT: String
    var ngayTiepNhan: String
    /// The flat registry record as a JSON string.
    var data: String
    var fileDinhKem: [Attachment]

    struct Attachment: Encodable {
        var id: Int
        var loaiGiayTo: Int
        var tenGiayTo: String
        var tenTepDinhKem: String
        /// Always 0: withdrawn papers are left out.
        var huyGiayTo: Int
        /// Base64.
        var duLieuTepDinhKem: String
    }
}

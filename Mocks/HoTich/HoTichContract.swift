import Foundation
import MockSupport

/// The request rules of `Contracts/hotich/openapi.json`.
enum HoTichContract {
    /// Checks a `NhanDKHT` body and returns its one-stop dossier code.
    static func registration(_ body: [String: Any]) throws -> String {
        _ = try MockContract.string(body, "maDonVi")
        _ = try MockContract.string(body, "module")
        let dossier = try MockContract.string(body, "maHoSoMCDT")
        _ = try MockContract.optionalString(body, "maHoSoLT")
        _ = try MockContract.slashedDate(body, "ngayTiepNhan")
        let data = try MockContract.embeddedObject(body, "data")
        guard data["hoTich"] is [String: Any] else { throw MockContractViolation("data must hold a hoTich object") }
        for (index, file) in try MockContract.array(body, "fileDinhKem").enumerated() {
            guard let file = file as? [String: Any] else { throw MockContractViolation("fileDinhKem[\(index)] must be an object") }
            _ = try MockContract.string(file, "tenTep", in: "fileDinhKem[\(index)]")
        }
        return dossier
    }
}

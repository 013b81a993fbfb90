import Foundation
import MockSupport

/// The request rules of `Contracts/hotich/openapi.json`.
enum HoTichContract {
    static let modules = ["LTKS", "LTKT", "LTKH"]

    /// Checks a `NhanDKHT` body and returns its one-stop dossier code.
    static func registration(_ body: [String: Any]) throws -> String {
        _ = try MockContract.string(body, "maDonVi")
        _ = try MockContract.code(body, "module", allowed: modules)
        let dossier = try MockContract.string(body, "maHoSoMCDT")
        _ = try MockContract.optionalString(body, "maHoSoLT")
        _ = try MockContract.slashedDate(body, "ngayTiepNhan")
        let data = try MockContract.embeddedObject(body, "data")
        guard data["hoTich"] == nil else { throw MockContractViolation("data must be the flat registry record, not wrapped in hoTich") }
        try dates(in: data, path: "data")
        for (index, file) in try MockContract.array(body, "fileDinhKem").enumerated() {
            let context = "fileDinhKem[\(index)]"
            guard let file = file as? [String: Any] else { throw MockContractViolation("\(context) must be an object") }
            for field in ["id", "loaiGiayTo", "huyGiayTo"] { _ = try MockContract.integer(file, field, in: context) }
            guard try MockContract.integer(file, "huyGiayTo", in: context) == 0 else { throw MockContractViolation("\(context).huyGiayTo: withdrawn papers are left out") }
            for field in ["tenGiayTo", "tenTepDinhKem"] { _ = try MockContract.string(file, field, in: context) }
            guard Data(base64Encoded: try MockContract.string(file, "duLieuTepDinhKem", in: context)) != nil else {
                throw MockContractViolation("\(context).duLieuTepDinhKem must be base64")
            }
        }
        return dossier
    }

    /// Every date field of the record (`ngay…`, `…Ngay…`) is `dd.MM.yyyy`.
    static func dates(in object: [String: Any], path: String) throws {
        for (name, value) in object {
            if let inner = value as? [String: Any] { try dates(in: inner, path: "\(path).\(name)"); continue }
            guard name.lowercased().contains("ngay"), let text = value as? String else { continue }
            guard text.range(of: #"^(0[1-9]|[12][0-9]|3[01])\.(0[1-9]|1[0-2])\.[0-9]{4}$"#, options: .regularExpression) != nil else {
                throw MockContractViolation("\(path).\(name) must be dd.MM.yyyy, got \(text)")
            }
        }
    }

    /// Checks a result poll: up to three codes, a two-digit province, a module.
    static func poll(_ body: [String: Any]) throws -> (codes: [String], module: String) {
        let codes = try MockContract.array(body, "maDinhDanhHoSo")
        guard (1...3).contains(codes.count), codes.allSatisfy({ $0 is String }) else {
            throw MockContractViolation("body.maDinhDanhHoSo must hold one to three dossier codes")
        }
        let province = try MockContract.string(body, "maTinh")
        guard province.count == 2, province.allSatisfy(\.isNumber) else { throw MockContractViolation("body.maTinh must be two digits") }
        return (codes.compactMap { $0 as? String }, try MockContract.code(body, "module", allowed: modules))
    }
}

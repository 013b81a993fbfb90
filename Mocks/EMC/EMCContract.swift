import Foundation
import MockSupport

/// The request rules of `Contracts/emc/openapi.json`.
enum EMCContract {
    /// The form-urlencoded variant's camelCase names, by the JSON variant's names.
    static let formNames: [String: String] = Dictionary(uniqueKeysWithValues: [
        "CodeProfile", "SiteId", "CodeTTHC", "NameTTHC", "MaHoSo", "Status", "FormsReception",
        "FormsPayments", "Level", "IsFromDVCQG", "IsDVCBC", "Data", "User",
    ].map { ($0, $0.prefix(1).lowercased() + $0.dropFirst()) })

    /// Checks a JSON record; returns its `SiteId`.
    static func check(_ body: [String: Any]) throws -> Int {
        for field in ["CodeProfile", "CodeTTHC", "MaHoSo"] { _ = try MockContract.string(body, field) }
        _ = try MockContract.string(body, "NameTTHC", allowEmpty: true)
        let site = try MockContract.integer(body, "SiteId")
        try checkCodes(body)
        let user = try MockContract.embeddedObject(body, "User")
        for field in ["ID_local", "ID_QG"] { _ = try MockContract.string(user, field, in: "User", allowEmpty: true) }
        _ = try MockContract.string(user, "LOCATION", in: "User")
        let type = try MockContract.code(user, "TYPE", in: "User", allowed: ["1", "2"])
        let identity = try MockContract.string(user, "ID_QG", in: "User", allowEmpty: true)
        guard type == (identity.count == 10 ? "1" : "2") else {
            throw MockContractViolation("User.TYPE must be \"1\" for a 10-character ID_QG and \"2\" otherwise")
        }
        return site
    }

    /// Checks a form-urlencoded record: the same rules, every value text, camelCase names.
    static func checkForm(_ fields: [String: Any]) throws -> Int {
        var body: [String: Any] = [:]
        for (name, formName) in formNames {
            if fields[name] != nil, name != formName { throw MockContractViolation("form field \(name) must be written \(formName)") }
            body[name] = fields[formName]
        }
        guard let siteText = body["SiteId"] as? String, let site = Int(siteText) else { throw MockContractViolation("siteId must be an integer") }
        body["SiteId"] = NSNumber(value: site)
        return try check(body)
    }

    private static func checkCodes(_ body: [String: Any]) throws {
        _ = try MockContract.code(body, "Status", allowed: ["0", "1", "2", "3", "4"])
        _ = try MockContract.code(body, "FormsReception", allowed: ["1", "2"])
        _ = try MockContract.code(body, "FormsPayments", allowed: ["0", "1", "2"])
        _ = try MockContract.code(body, "Level", allowed: ["0", "1", "3", "4"])
        _ = try MockContract.code(body, "IsFromDVCQG", allowed: ["0", "1"])
        _ = try MockContract.code(body, "IsDVCBC", allowed: ["0", "1", "2"])
        try MockContract.emptyOrNull(body, "Data")
    }
}

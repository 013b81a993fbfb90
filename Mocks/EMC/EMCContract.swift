import Foundation
import MockSupport

/// The request rules of `Contracts/emc/openapi.json`.
enum EMCContract {
    static func check(_ body: [String: Any]) throws {
        for field in ["CodeProfile", "SiteId", "CodeTTHC", "NameTTHC", "MaHoSo"] { _ = try MockContract.string(body, field) }
        _ = try MockContract.integer(body, "Status", allowed: 0...4)
        _ = try MockContract.integer(body, "FormsReception", allowed: 1...2)
        _ = try MockContract.integer(body, "FormsPayments", allowed: 0...2)
        _ = try MockContract.integer(body, "Level", allowed: 3...4)
        _ = try MockContract.integer(body, "IsFromDVCQG", allowed: 0...1)
        _ = try MockContract.integer(body, "IsDVCBC", allowed: 0...2)
        _ = try MockContract.string(body, "Data", allowEmpty: true)
        let user = try MockContract.embeddedObject(body, "User")
        for field in ["ID_local", "ID_QG", "LOCATION"] { _ = try MockContract.string(user, field, in: "User", allowEmpty: field != "LOCATION") }
        _ = try MockContract.integer(user, "TYPE", in: "User", allowed: 1...2)
    }
}

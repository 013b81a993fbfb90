import Foundation
import Hummingbird
import MockSupport

/// A mock EMC monitoring endpoint that enforces `Contracts/emc/openapi.json`:
/// `TrackingMCDT` from a known `SiteId`, every field of its declared type, `User` a JSON string.
public struct EMCMock: Sendable {
    public let control = MockControl()
    public let siteIds: Set<String>
    public let trackingPath: String

    public init(siteIds: Set<String> = ["motcua-cantho"], trackingPath: String = "/TrackingMCDT") {
        self.siteIds = siteIds
        self.trackingPath = trackingPath
    }

    public var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(trackingPath)) { request, _ in
            await control.serve(request, operation: { _ in "TrackingMCDT" }, describe: { request in
                guard case .success(let body) = request.body else { return }
                request.dossiers = [body["MaHoSo"] as? String].compactMap { $0 }
                request.statuses = [(body["Status"] as? NSNumber)?.stringValue].compactMap { $0 }
            }) { request in
                answer(request)
            }
        }
        return MockServer(name: "emc", router: router)
    }

    private func answer(_ request: MockRequest) -> MockAnswer {
        do {
            let body = try request.body.get()
            try EMCContract.check(body)
            let site = try MockContract.string(body, "SiteId")
            guard siteIds.contains(site) else {
                return .json(["message": "SiteId \(site) is not registered"], status: 403, accepted: false, rejection: "unknown SiteId \(site)")
            }
            return .json(["message": "OK"], accepted: true)
        } catch {
            let reason = (error as? MockContractViolation)?.description ?? "\(error)"
            return .json(["message": "Bad request: \(reason)"], status: 400, accepted: false, rejection: reason)
        }
    }
}

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

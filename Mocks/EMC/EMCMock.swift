import Foundation
import Hummingbird
import MockSupport

/// A mock EMC monitoring endpoint that enforces `Contracts/emc/openapi.json`:
/// `TrackingMCDT` from a known integer `SiteId`, the six codes as text, `User` a JSON string,
/// as JSON or as the older form-urlencoded camelCase variant. It answers 204 with no body, as
/// EMC may.
package struct EMCMock: Sendable {
    package let control = MockControl()
    package let siteIds: Set<Int>
    package let trackingPath: String

    package init(siteIds: Set<Int> = [EMCMock.devSiteId], trackingPath: String = "/TrackingMCDT") {
        self.siteIds = siteIds
        self.trackingPath = trackingPath
    }

    package var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(trackingPath)) { request, _ in
            await control.serve(request, operation: { _ in "TrackingMCDT" }, describe: { request in
                guard case .success(let body) = request.body else { return }
                request.dossiers = [(body["MaHoSo"] ?? body["maHoSo"]) as? String].compactMap { $0 }
                request.statuses = [(body["Status"] ?? body["status"]) as? String].compactMap { $0 }
            }) { request in
                answer(request)
            }
        }
        return MockServer(name: Self.name, router: router)
    }

    private func answer(_ request: MockRequest) -> MockAnswer {
        do {
            let body = try request.body.get()
            let isForm = request.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true
            let site = try isForm ? EMCContract.checkForm(body) : EMCContract.check(body)
            guard siteIds.contains(site) else {
                return .json(["message": "SiteId \(site) is not registered"], status: 403, accepted: false, rejection: "unknown SiteId \(site)")
            }
            return MockAnswer(status: 204, code: nil, accepted: true, rejection: nil, body: [])
        } catch {
            let reason = (error as? MockContractViolation)?.description ?? "\(error)"
            return .json(["message": "Bad request: \(reason)"], status: 400, accepted: false, rejection: reason)
        }
    }
}

extension EMCMock: MockSystem {
    package static let name = "emc"
    package static let defaultPort = 18_085
    package static let devSiteId = 9_201
    /// EMC asks for no secret: the site id says who sends.
    package static var devSecrets: [String: String] { [:] }

    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL, "siteId": String(devSiteId), "provinceCode": "92"]
    }

    package init() { self.init(siteIds: [Self.devSiteId], trackingPath: "/TrackingMCDT") }
}

import Foundation
import Hummingbird
import MockSupport

/// A mock EMC monitoring endpoint that enforces `Contracts/emc/openapi.json`:
/// `TrackingMCDT` from a known `SiteId`, every field of its declared type, `User` a JSON string.
package struct EMCMock: Sendable {
    package let control = MockControl()
    package let siteIds: Set<String>
    package let trackingPath: String

    package init(siteIds: Set<String> = [EMCMock.devSiteId], trackingPath: String = "/TrackingMCDT") {
        self.siteIds = siteIds
        self.trackingPath = trackingPath
    }

    package var server: MockServer {
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
        return MockServer(name: Self.name, router: router)
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

extension EMCMock: MockSystem {
    package static let name = "emc"
    package static let defaultPort = 18_085
    package static let devSiteId = "motcua-cantho"
    /// EMC asks for no secret: the site id says who sends.
    package static var devSecrets: [String: String] { [:] }

    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL, "siteId": devSiteId, "provinceCode": "92"]
    }

    package init() { self.init(siteIds: [Self.devSiteId], trackingPath: "/TrackingMCDT") }
}

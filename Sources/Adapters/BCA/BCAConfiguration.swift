import AdapterSupport
import Foundation
import GatewayModel

/// How to reach the BCA portal. Paths, headers and the token lifetime are deployment facts.
package struct BCAConfiguration: Codable, Sendable {
    package var baseURL: String
    package var tokenPath: String
    /// Where a refresh token buys a new token. Off by default: no public client is seen to
    /// refresh; they sign in again.
    package var refreshPath: String?
    package var statusPath: String
    /// The interconnected dossiers the portal hands the province, until acknowledged.
    package var listPath: String?
    /// One dossier's detail: `GET {detailPath}/{id}`.
    package var detailPath: String
    /// The acknowledgement: `PUT {ackPath}` `{maHoSo, daNhan: true}`.
    package var ackPath: String
    package var userName: String
    package var password: SecretSource
    /// `coQuanXuLy`: the portal's integer code of the handling body (5 in practice).
    package var processingAgency: Int
    /// How long a token is good for when the portal does not say.
    package var tokenLifetimeSeconds: Int
    /// Renew this long before the token expires.
    package var refreshMarginSeconds: Int
    package var headers: ConfiguredHeaders
    package var timeoutMilliseconds: Int
    /// The `trangThai` values each event stands for, in order, keyed by event short name;
    /// events not named keep the built-in mapping (received → 1, 3; progressed → 7; …).
    package var statusesByEvent: [String: [Int]]?

    /// The statuses to push for an event of `type`.
    package func statuses(for type: DossierEventType) -> [Int] {
        statusesByEvent?[type.shortName] ?? BCAMapping.trangThai(type)
    }

    package init(
        baseURL: String, tokenPath: String = "/api/auth/token", refreshPath: String? = nil, statusPath: String = "/api/hosolienthong/capnhattrangthai",
        listPath: String? = "/api/hosolienthong", detailPath: String = "/api/hosolienthong", ackPath: String = "/api/hosolienthong/danhan", userName: String, password: SecretSource, processingAgency: Int = 5,
        tokenLifetimeSeconds: Int = 1_800, refreshMarginSeconds: Int = 60, headers: ConfiguredHeaders = .init(), timeoutMilliseconds: Int = 30_000,
        statusesByEvent: [String: [Int]]? = nil
    ) {
        self.baseURL = baseURL
        self.tokenPath = tokenPath
        self.refreshPath = refreshPath
        self.statusPath = statusPath
        self.listPath = listPath
        self.detailPath = detailPath
        self.ackPath = ackPath
        self.userName = userName
        self.password = password
        self.processingAgency = processingAgency
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.refreshMarginSeconds = refreshMarginSeconds
        self.headers = headers
        self.timeoutMilliseconds = timeoutMilliseconds
        self.statusesByEvent = statusesByEvent
    }
}

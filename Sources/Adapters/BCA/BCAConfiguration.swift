import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach the BCA portal. Paths and the token lifetime are deployment facts.
package struct BCAConfiguration: Codable, Sendable {
    package var baseURL: String
    package var tokenPath: String
    /// Where a refresh token buys a new token; signs in again when absent.
    package var refreshPath: String?
    package var statusPath: String
    /// Read-only list of interconnected dossiers, used by `gateway contracts verify`.
    package var listPath: String?
    package var userName: String
    package var password: SecretSource
    /// How long a token is good for when the portal does not say.
    package var tokenLifetimeSeconds: Int
    /// Renew this long before the token expires.
    package var refreshMarginSeconds: Int
    package var timeoutMilliseconds: Int
    /// The `trangThai` values each event stands for, in order, keyed by event short name;
    /// events not named keep the built-in mapping (received → 1, 3; progressed → 7; …).
    package var statusesByEvent: [String: [Int]]?

    /// The statuses to push for an event of `type`.
    package func statuses(for type: DossierEventType) -> [Int] {
        statusesByEvent?[type.shortName] ?? BCAMapping.trangThai(type)
    }

    package init(baseURL: String, tokenPath: String = "/api/auth/token", refreshPath: String? = "/api/auth/refresh", statusPath: String = "/api/hosolienthong/capnhattrangthai", listPath: String? = "/api/hosolienthong", userName: String, password: SecretSource, tokenLifetimeSeconds: Int = 1_800, refreshMarginSeconds: Int = 60, timeoutMilliseconds: Int = 10_000, statusesByEvent: [String: [Int]]? = nil) {
        self.statusesByEvent = statusesByEvent
        self.baseURL = baseURL
        self.tokenPath = tokenPath
        self.refreshPath = refreshPath
        self.statusPath = statusPath
        self.listPath = listPath
        self.userName = userName
        self.password = password
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.refreshMarginSeconds = refreshMarginSeconds
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

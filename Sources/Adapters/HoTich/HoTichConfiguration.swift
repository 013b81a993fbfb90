import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach the civil registry. Paths and the token endpoint are deployment facts.
package struct HoTichConfiguration: Codable, Sendable {
    package var baseURL: String
    package var tokenPath: String
    package var receivePath: String
    package var clientId: String
    package var clientSecret: SecretSource
    package var scope: String?
    /// The read-only result poll, used by `gateway contracts verify`.
    package var resultPath: String?
    /// `maDonVi` sent with every registration; the event's agency code when absent.
    package var unitCode: String?
    package var timeoutMilliseconds: Int

    package init(baseURL: String, tokenPath: String = "/oauth2/token", receivePath: String = "/api/hotich/NhanDKHT", resultPath: String? = "/api/hotich/KetQuaDKHT", clientId: String, clientSecret: SecretSource, scope: String? = nil, unitCode: String? = nil, timeoutMilliseconds: Int = 10_000) {
        self.resultPath = resultPath
        self.baseURL = baseURL
        self.tokenPath = tokenPath
        self.receivePath = receivePath
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.scope = scope
        self.unitCode = unitCode
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

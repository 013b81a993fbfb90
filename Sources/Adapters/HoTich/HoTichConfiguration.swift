import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach the civil registry. Paths and the token endpoint are deployment facts.
public struct HoTichConfiguration: Codable, Sendable {
    public var baseURL: String
    public var tokenPath: String
    public var receivePath: String
    public var clientId: String
    public var clientSecret: SecretSource
    public var scope: String?
    /// The read-only result poll, used by `gateway contracts verify`.
    public var resultPath: String?
    /// `maDonVi` sent with every registration; the event's agency code when absent.
    public var unitCode: String?
    public var timeoutMilliseconds: Int

    public init(baseURL: String, tokenPath: String, receivePath: String, resultPath: String? = nil, clientId: String, clientSecret: SecretSource, scope: String? = nil, unitCode: String? = nil, timeoutMilliseconds: Int = 10_000) {
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

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach VBDLIS. Whether the LGSP asks for a token is a deployment fact.
public struct VBDLISConfiguration: Codable, Sendable {
    public enum Auth: String, Codable, Sendable {
        case none
        case clientCredentials = "client-credentials"
    }

    /// Operations are posted to `<baseURL>/<operation>`.
    public var baseURL: String
    public var auth: Auth
    public var tokenURL: String?
    public var clientId: String?
    public var clientSecret: SecretSource?
    public var scope: String?
    public var timeoutMilliseconds: Int

    public init(baseURL: String, auth: Auth = .none, tokenURL: String? = nil, clientId: String? = nil, clientSecret: SecretSource? = nil, scope: String? = nil, timeoutMilliseconds: Int = 15_000) {
        self.baseURL = baseURL
        self.auth = auth
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.scope = scope
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

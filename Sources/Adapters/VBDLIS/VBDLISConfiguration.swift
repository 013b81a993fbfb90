import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// How to reach VBDLIS. Whether the LGSP asks for a token is a deployment fact.
package struct VBDLISConfiguration: Codable, Sendable {
    package enum Auth: String, Codable, Sendable {
        case none
        case clientCredentials = "client-credentials"
    }

    /// Operations are posted to `<baseURL>/<operation>`.
    package var baseURL: String
    package var auth: Auth
    package var tokenURL: String?
    package var clientId: String?
    package var clientSecret: SecretSource?
    package var scope: String?
    package var timeoutMilliseconds: Int

    package init(baseURL: String, auth: Auth = .clientCredentials, tokenURL: String? = nil, clientId: String? = nil, clientSecret: SecretSource? = nil, scope: String? = nil, timeoutMilliseconds: Int = 15_000) {
        self.baseURL = baseURL
        self.auth = auth
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.scope = scope
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

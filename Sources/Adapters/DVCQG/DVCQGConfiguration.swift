import AdapterSupport
import Foundation
import GatewayModel

/// How to reach DVCQG. Paths differ per deployment (LGSP or direct), so all are configuration.
package struct DVCQGConfiguration: Codable, Sendable {
    package var baseURL: String
    package var authPath: String
    package var integrationPath: String
    package var sharingPath: String
    package var username: String
    package var password: SecretSource
    /// `madonvi` sent with every write; the event's agency code when absent.
    package var unitCode: String?
    package var timeoutMilliseconds: Int
    /// Progress rows per `CapNhatTienDoHoSoMC` call; DVCQG's public clients send at most 10.
    package var progressRowsPerCall: Int

    package init(baseURL: String, authPath: String = "/api/dvcqg/login", integrationPath: String = "/api/dvcqg/integration", sharingPath: String = "/api/dvcqg/sharing", username: String, password: SecretSource, unitCode: String? = nil, timeoutMilliseconds: Int = 10_000, progressRowsPerCall: Int = 10) {
        self.baseURL = baseURL
        self.authPath = authPath
        self.integrationPath = integrationPath
        self.sharingPath = sharingPath
        self.username = username
        self.password = password
        self.unitCode = unitCode
        self.timeoutMilliseconds = timeoutMilliseconds
        self.progressRowsPerCall = progressRowsPerCall
    }

    /// Every default in place; the deployment facts (`baseURL`, `username`) left empty.
    static let prototype = DVCQGConfiguration(baseURL: "", username: "", password: .environment("DVCQG_PASSWORD"))

    private enum CodingKeys: String, CodingKey {
        case baseURL, authPath, integrationPath, sharingPath, username, password, unitCode, timeoutMilliseconds, progressRowsPerCall
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            baseURL: try c.decode(String.self, forKey: .baseURL),
            authPath: try c.decodeIfPresent(String.self, forKey: .authPath) ?? Self.prototype.authPath,
            integrationPath: try c.decodeIfPresent(String.self, forKey: .integrationPath) ?? Self.prototype.integrationPath,
            sharingPath: try c.decodeIfPresent(String.self, forKey: .sharingPath) ?? Self.prototype.sharingPath,
            username: try c.decode(String.self, forKey: .username),
            password: try c.decode(SecretSource.self, forKey: .password),
            unitCode: try c.decodeIfPresent(String.self, forKey: .unitCode),
            timeoutMilliseconds: try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? Self.prototype.timeoutMilliseconds,
            progressRowsPerCall: try c.decodeIfPresent(Int.self, forKey: .progressRowsPerCall) ?? Self.prototype.progressRowsPerCall
        )
        guard (1...10).contains(progressRowsPerCall) else {
            throw DecodingError.dataCorruptedError(forKey: .progressRowsPerCall, in: c, debugDescription: "must be 1 to 10")
        }
    }
}

import AdapterSupport
import Foundation
import GatewayCore

/// How to reach DVCQG. Paths differ per deployment (LGSP or direct), so all are configuration.
public struct DVCQGConfiguration: Codable, Sendable {
    public var baseURL: String
    public var authPath: String
    public var integrationPath: String
    public var sharingPath: String
    public var username: String
    public var password: SecretSource
    /// `madonvi` sent with every write; the event's agency code when absent.
    public var unitCode: String?
    public var timeoutMilliseconds: Int
    /// Progress rows per `CapNhatTienDoHoSoMC` call; DVCQG's public clients send at most 10.
    public var progressRowsPerCall: Int

    public init(baseURL: String, authPath: String = "/api/dvcqg/login", integrationPath: String = "/api/dvcqg/integration", sharingPath: String = "/api/dvcqg/sharing", username: String, password: SecretSource, unitCode: String? = nil, timeoutMilliseconds: Int = 10_000, progressRowsPerCall: Int = 10) {
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

    private enum CodingKeys: String, CodingKey {
        case baseURL, authPath, integrationPath, sharingPath, username, password, unitCode, timeoutMilliseconds, progressRowsPerCall
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            baseURL: try c.decode(String.self, forKey: .baseURL),
            authPath: try c.decodeIfPresent(String.self, forKey: .authPath) ?? "/api/dvcqg/login",
            integrationPath: try c.decodeIfPresent(String.self, forKey: .integrationPath) ?? "/api/dvcqg/integration",
            sharingPath: try c.decodeIfPresent(String.self, forKey: .sharingPath) ?? "/api/dvcqg/sharing",
            username: try c.decode(String.self, forKey: .username),
            password: try c.decode(SecretSource.self, forKey: .password),
            unitCode: try c.decodeIfPresent(String.self, forKey: .unitCode),
            timeoutMilliseconds: try c.decodeIfPresent(Int.self, forKey: .timeoutMilliseconds) ?? 10_000,
            progressRowsPerCall: try c.decodeIfPresent(Int.self, forKey: .progressRowsPerCall) ?? 10
        )
        guard (1...10).contains(progressRowsPerCall) else {
            throw DecodingError.dataCorruptedError(forKey: .progressRowsPerCall, in: c, debugDescription: "must be 1 to 10")
        }
    }
}

/// DVCQG as the runtime builds it.
public enum DVCQGModule: AdapterModule {
    public static let target = DVCQGAdapter.target
    public static let operations = [DVCQGAdapter.syncDossier, DVCQGAdapter.updateProgress]
    public static var defaultConnection: JSONValue {
        .object([
            "authPath": .string("/api/dvcqg/login"),
            "integrationPath": .string("/api/dvcqg/integration"),
            "sharingPath": .string("/api/dvcqg/sharing"),
            "timeoutMilliseconds": .number(10_000),
            "progressRowsPerCall": .number(10),
            "password": .object(["env": .string("DVCQG_PASSWORD")]),
        ])
    }

    public static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(DVCQGConfiguration.self, from: connection)
        let password = try configuration.password.resolve(environment: context.environment)
        return DVCQGAdapter(configuration: configuration, password: password, classification: context.classification, transport: context.transport, logger: context.logger)
    }

    public static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(DVCQGConfiguration.self, from: connection)
        let password = try configuration.password.resolve(environment: context.environment)
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        let json = [("Content-Type", "application/json")]
        let login = OutboundRequest(url: configuration.baseURL + configuration.authPath, headers: json,
                                    body: Array(try JSONEncoder().encode(["username": configuration.username, "password": password.value])), timeout: timeout)
        let response: InboundResponse
        do {
            response = try await context.transport.send(login)
        } catch {
            return [.failed("login", "no answer: \(error)")]
        }
        var checks = [ConformanceCheck.expect("login", response, fields: ["error_code", "session"])]
        guard let session = AnswerReading.text("session", in: response.body) else {
            return checks + [.skipped("LayThuTuc", "needs a session")]
        }
        let lookUp = OutboundRequest(url: configuration.baseURL + configuration.sharingPath, headers: json,
                                     body: Array(try JSONEncoder().encode(["session": session, "service": "LayThuTuc", "maTTHC": "1.001193"])), timeout: timeout)
        checks.append(await .call("LayThuTuc", lookUp, on: context.transport, fields: ["error_code", "result"]))
        checks.append(.skipped(DVCQGAdapter.syncDossier, "writes a dossier; covered by the contract tests against the mock"))
        checks.append(.skipped(DVCQGAdapter.updateProgress, "writes progress; covered by the contract tests against the mock"))
        return checks
    }
}

import AdapterSupport
import Foundation
import GatewayCore
import Logging

/// The electronic civil registry (Hệ thống đăng ký, quản lý hộ tịch, Ministry of Justice).
///
/// One operation, `NhanDKHT`: hand a civil-status registration over, with the `hoTich`
/// record sent as a JSON string in `data`. Auth is OAuth2 client credentials with a
/// cached token. An answer saying the dossier "đã được tiếp nhận" means it is already there.
public struct HoTichAdapter: TargetAdapter {
    public static let target: TargetName = "hotich"
    public static let receive = "NhanDKHT"

    public var target: TargetName { Self.target }
    public var operations: Set<String> { [Self.receive] }

    private let configuration: HoTichConfiguration
    private let call: JSONCall
    private let tokens: TokenCache

    public init(configuration: HoTichConfiguration, clientSecret: Secret, classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        self.call = JSONCall(
            transport: transport, classification: classification,
            fields: .init(code: ["status"], message: ["errorDescription", "statusDescription"]), timeout: timeout
        )
        let credentials = ClientCredentials(
            tokenURL: configuration.baseURL + configuration.tokenPath, clientID: configuration.clientId,
            clientSecret: clientSecret, scope: configuration.scope, timeout: timeout
        )
        self.tokens = TokenCache { await credentials.fetch(with: transport) }
    }

    public func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        guard operation == Self.receive else {
            return OperationAnswer(verdict: .permanent, excerpt: "unknown civil-registry operation \(operation)", errorClass: "unknown-operation", scope: .local)
        }
        guard let body = HoTichMapping.registration(event, configuration: configuration) else {
            return OperationAnswer(verdict: .permanent, excerpt: "the event carries no civilStatus block; the civil registry needs one", errorClass: "missing-data", scope: .local)
        }
        let token: String
        switch await tokens.current() {
        case .success(let value): token = value
        case .failure(let failure): return failure.answer
        }
        return await call.post(
            body, to: configuration.baseURL + configuration.receivePath, operation: operation,
            idempotencyKey: idempotencyKey, headers: [("Authorization", "Bearer \(token)")]
        )
    }

    public func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens.invalidate(usedSince: callStarted)
    }
}

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

/// The body of `NhanDKHT`.
struct HoTichRegistration: Codable, Equatable {
    var maDonVi: String
    var module: String
    var maHoSoLT: String?
    var maHoSoMCDT: String
    var ngayTiepNhan: String
    /// `{"hoTich": {…}}` as a JSON string.
    var data: String
    var fileDinhKem: [Attachment]

    struct Attachment: Codable, Equatable {
        var tenTep: String
        var duongDan: String?
    }
}

enum HoTichMapping {
    static func registration(_ event: DossierEvent, configuration: HoTichConfiguration) -> HoTichRegistration? {
        let data = event.data
        guard let civil = data.civilStatus else { return nil }
        return HoTichRegistration(
            maDonVi: configuration.unitCode ?? data.agencyCode,
            module: civil.module,
            maHoSoLT: civil.interconnectCode,
            maHoSoMCDT: data.dossierCode,
            ngayTiepNhan: VietnamTime.slashed(data.receivedAt ?? data.submittedAt ?? event.time),
            data: EmbeddedJSON.string(JSONValue.object(["hoTich": civil.record])),
            fileDinhKem: (data.documents ?? []).map { .init(tenTep: $0.name, duongDan: $0.url) }
        )
    }
}

/// The civil registry as the runtime builds it.
public enum HoTichModule: AdapterModule {
    public static let target = HoTichAdapter.target
    public static let operations = [HoTichAdapter.receive]
    public static var defaultConnection: JSONValue {
        .object([
            "tokenPath": .string("/oauth2/token"),
            "receivePath": .string("/api/hotich/NhanDKHT"),
            "resultPath": .string("/api/hotich/KetQuaDKHT"),
            "clientSecret": .object(["env": .string("HOTICH_CLIENT_SECRET")]),
            "timeoutMilliseconds": .number(10_000),
        ])
    }

    public static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        let secret = try configuration.clientSecret.resolve(environment: context.environment)
        return HoTichAdapter(configuration: configuration, clientSecret: secret, classification: context.classification, transport: context.transport)
    }

    public static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        let secret = try configuration.clientSecret.resolve(environment: context.environment)
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        let credentials = ClientCredentials(tokenURL: configuration.baseURL + configuration.tokenPath, clientID: configuration.clientId, clientSecret: secret, scope: configuration.scope, timeout: timeout)
        var checks: [ConformanceCheck] = []
        let token: String
        switch await credentials.fetch(with: context.transport) {
        case .success(let granted):
            token = granted.value
            checks.append(.passed("token", "client credentials granted a bearer token"))
        case .failure(let failure):
            return [.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"),
                    .skipped(HoTichAdapter.receive, "needs a token")]
        }
        if let resultPath = configuration.resultPath {
            let body = Array(#"{"maDinhDanhHoSo":["000.00.00.G00-000000-00000"],"maTinh":"00"}"#.utf8)
            let request = OutboundRequest(url: configuration.baseURL + resultPath, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")], body: body, timeout: timeout)
            checks.append(await .call("KetQuaDKHT", request, on: context.transport, fields: ["status", "value"]))
        }
        checks.append(.skipped(HoTichAdapter.receive, "writes a registration; covered by the contract tests against the mock"))
        return checks
    }
}

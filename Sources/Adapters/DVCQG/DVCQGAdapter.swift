import Foundation
import GatewayCore
import Logging

/// The National Public Service Portal (Cổng Dịch vụ công quốc gia).
///
/// Auth: a session from `login`, sent inside every request body. Operations:
/// `DongBoHoSoMC` (dossier upsert; an insert answered "đã tồn tại" is resent as an
/// update) and `CapNhatTienDoHoSoMC` (progress rows, at most 10 per call).
public struct DVCQGAdapter: TargetAdapter {
    public static let target: TargetName = "dvcqg"
    public static let syncDossier = "DongBoHoSoMC"
    public static let updateProgress = "CapNhatTienDoHoSoMC"

    public var target: TargetName { Self.target }
    public var operations: Set<String> { [Self.syncDossier, Self.updateProgress] }

    private let configuration: DVCQGConfiguration
    private let classification: ClassificationTable
    private let transport: any HTTPTransport
    private let session: SessionStore
    private let logger: Logger

    public init(configuration: DVCQGConfiguration, password: Secret, classification: ClassificationTable, transport: any HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.classification = classification
        self.transport = transport
        self.logger = logger
        self.session = SessionStore(configuration: configuration, password: password, transport: transport)
    }

    public func invalidateCredentials() async {
        await session.invalidate()
    }

    public func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        let token: String
        switch await session.current() {
        case .success(let value): token = value
        case .failure(let answer): return answer
        }
        let unit = configuration.unitCode ?? event.data.agencyCode
        switch operation {
        case Self.syncDossier:
            let hoSo = DVCQGMapping.hoSo(event)
            let insert = DVCQGMapping.isFirstSync(event)
            let answer = await write(WriteBody(session: token, madonvi: unit, service: operation, isUpdating: insert ? "false" : "true", data: [hoSo]), operation: operation, key: idempotencyKey)
            guard insert, answer.verdict == .duplicate else { return answer }
            logger.debug("dossier already known to DVCQG, resending as update", metadata: ["dossier": "\(event.dossierCode)"])
            var update = await write(WriteBody(session: token, madonvi: unit, service: operation, isUpdating: "true", data: [hoSo]), operation: operation, key: idempotencyKey)
            if update.verdict == .delivered { update.verdict = .duplicate }
            return update
        case Self.updateProgress:
            let rows = DVCQGMapping.tienDo(event)
            var last = OperationAnswer(verdict: .delivered, url: url(configuration.integrationPath))
            for (part, start) in stride(from: 0, to: rows.count, by: configuration.progressRowsPerCall).enumerated() {
                let chunk = Array(rows[start..<min(start + configuration.progressRowsPerCall, rows.count)])
                // Each call of a split operation has its own key, derived from the operation's.
                let key = part == 0 ? idempotencyKey : "\(idempotencyKey)/part-\(part + 1)"
                last = await write(WriteBody(session: token, madonvi: unit, service: operation, isUpdating: nil, data: chunk), operation: operation, key: key)
                guard last.verdict == .delivered || last.verdict == .duplicate else { return last }
            }
            return last
        default:
            return OperationAnswer(verdict: .permanent, excerpt: "unknown DVCQG operation \(operation)", errorClass: "unknown-operation")
        }
    }

    private struct WriteBody<Row: Encodable>: Encodable {
        var session: String
        var madonvi: String
        var service: String
        var isUpdating: String?
        var data: [Row]
    }

    private func url(_ path: String) -> String { configuration.baseURL + path }

    private func write<Row: Encodable>(_ body: WriteBody<Row>, operation: String, key: String) async -> OperationAnswer {
        let target = url(configuration.integrationPath)
        let request = OutboundRequest(
            url: target,
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", key)],
            body: Array(try! JSONEncoder().encode(body)),
            timeout: .milliseconds(configuration.timeoutMilliseconds)
        )
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return AnswerReading.transportFailure(error, url: target)
        }
        let code = AnswerReading.text("error_code", in: response.body)
        let message = AnswerReading.text("message", in: response.body)
        let verdict = classification.classify(status: response.status, code: code, message: message, operation: operation)
        return OperationAnswer(
            verdict: verdict,
            httpStatus: response.status,
            code: code,
            excerpt: Redaction.excerpt(response.body),
            retryAfter: AnswerReading.retryAfter(response),
            url: target,
            errorClass: AnswerReading.errorClass(status: response.status, verdict: verdict)
        )
    }
}

/// Holds the DVCQG session; concurrent callers share one login.
actor SessionStore {
    enum Current {
        case success(String)
        case failure(OperationAnswer)
    }

    private let configuration: DVCQGConfiguration
    private let password: Secret
    private let transport: any HTTPTransport
    private var token: String?
    private var login: Task<Current, Never>?

    init(configuration: DVCQGConfiguration, password: Secret, transport: any HTTPTransport) {
        self.configuration = configuration
        self.password = password
        self.transport = transport
    }

    func invalidate() {
        token = nil
    }

    func current() async -> Current {
        if let token { return .success(token) }
        if let login { return await login.value }
        let task = Task { await signIn() }
        login = task
        let result = await task.value
        login = nil
        if case .success(let value) = result { token = value }
        return result
    }

    private func signIn() async -> Current {
        let url = configuration.baseURL + configuration.authPath
        let body = try! JSONEncoder().encode(["username": configuration.username, "password": password.value])
        let request = OutboundRequest(url: url, headers: [("Content-Type", "application/json")], body: Array(body), timeout: .milliseconds(configuration.timeoutMilliseconds))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(AnswerReading.transportFailure(error, url: url))
        }
        let code = AnswerReading.text("error_code", in: response.body)
        if response.status == 200, code == "0" || code == "00", let session = AnswerReading.text("session", in: response.body), !session.isEmpty {
            return .success(session)
        }
        let retryable = response.status == 429 || response.status >= 500
        return .failure(OperationAnswer(
            verdict: retryable ? .retryable : .permanent,
            httpStatus: response.status,
            code: code,
            excerpt: Redaction.excerpt(response.body),
            retryAfter: AnswerReading.retryAfter(response),
            url: url,
            errorClass: retryable ? "login-http-\(response.status)" : "login-refused"
        ))
    }
}

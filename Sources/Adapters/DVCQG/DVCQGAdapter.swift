import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The National Public Service Portal (Cổng Dịch vụ công quốc gia), reached directly or
/// through the province's LGSP, as configured.
///
/// Operations: `DongBoHoSoMC` (dossier upsert; an insert answered "đã tồn tại" is resent as an
/// update) and `CapNhatTienDoHoSoMC` (progress rows, at most 10 per call). Directly, a session
/// from `login` travels in every body and is renewed before it is ten minutes old; through an
/// LGSP, each operation has its URL and the body is a bare array of rows.
package struct DVCQGAdapter: TargetAdapter {
    package static let target: TargetName = "dvcqg"
    package static let syncDossier = "DongBoHoSoMC"
    package static let updateProgress = "CapNhatTienDoHoSoMC"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.syncDossier, Self.updateProgress] }

    private let configuration: DVCQGConfiguration
    private let call: JSONCall
    /// The direct style's session.
    private let session: TokenCache?
    /// The LGSP style's token, when it asks for one.
    private let bearer: OptionalBearer
    private let logger: Logger

    package init(configuration: DVCQGConfiguration, password: Secret?, tokenRequest: ClientCredentials? = nil, headers: [(name: String, value: String)] = [], classification: ClassificationTable, transport: any HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.call = JSONCall(
            transport: transport, classification: classification,
            fields: .init(code: ["error_code"], message: ["message"]), timeout: .milliseconds(configuration.timeoutMilliseconds), headers: headers
        )
        if configuration.style == .direct, let password {
            let login = DVCQGLogin(configuration: configuration, password: password, headers: headers, transport: transport)
            self.session = TokenCache { await login.session() }
        } else {
            self.session = nil
        }
        self.bearer = OptionalBearer(configuration.style == .lgsp ? tokenRequest : nil, transport: transport)
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await session?.invalidate(usedSince: callStarted)
        await bearer.invalidate(usedSince: callStarted)
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        var limiter = DVCQGMapping.Limiter()
        defer { log(limiter.truncations, of: event) }
        switch operation {
        case Self.syncDossier:
            let hoSo = DVCQGMapping.hoSo(event, limiter: &limiter)
            let insert = DVCQGMapping.isFirstSync(event)
            let answer = try await write([hoSo], operation: operation, update: !insert, for: event, key: idempotencyKey)
            guard insert, answer.verdict == .duplicate else { return answer }
            logger.debug("dossier already known to DVCQG, resending as update", metadata: [LogKey.dossier: "\(event.dossierCode)"])
            // The update is another request with another body, so it carries its own key.
            var update = try await write([hoSo], operation: operation, update: true, for: event, key: "\(idempotencyKey)/update")
            if update.verdict == .delivered { update.verdict = .duplicate }
            return update
        case Self.updateProgress:
            let rows = DVCQGMapping.tienDo(event, limiter: &limiter)
            var last = OperationAnswer(verdict: .delivered, excerpt: "no progress rows", url: configuration.baseURL)
            for (part, start) in stride(from: 0, to: rows.count, by: configuration.progressRowsPerCall).enumerated() {
                let chunk = Array(rows[start..<min(start + configuration.progressRowsPerCall, rows.count)])
                // Each call of a split operation has its own key, derived from the operation's.
                let key = part == 0 ? idempotencyKey : "\(idempotencyKey)/part-\(part + 1)"
                last = try await write(chunk, operation: operation, update: nil, for: event, key: key)
                guard last.verdict == .delivered || last.verdict == .duplicate else { return last }
            }
            return last
        default:
            return .unknownOperation(operation, of: "DVCQG")
        }
    }

    /// The direct style's envelope.
    private struct Envelope<Row: Encodable>: Encodable {
        var session: String
        var madonvi: String
        var service: String
        var isUpdating: String?
        var data: [Row]
    }

    /// One call: the envelope to the integration endpoint, or the bare rows to the LGSP's URL.
    private func write<Row: Encodable>(_ rows: [Row], operation: String, update: Bool?, for event: DossierEvent, key: String) async throws(AuthenticationFailure) -> OperationAnswer {
        let unit = configuration.unitCode ?? event.data.agencyCode
        switch configuration.style {
        case .direct:
            let token = try await session?.token() ?? ""
            let body = Envelope(session: token, madonvi: unit, service: operation, isUpdating: update.map(DVCQGMapping.isUpdating), data: rows)
            return await call.post(body, to: configuration.baseURL + configuration.integrationPath, operation: operation, idempotencyKey: key)
        case .lgsp:
            let lgsp = configuration.lgsp
            let path = update.map { $0 ? lgsp.updatePath : lgsp.insertPath } ?? lgsp.progressPath
            var query: [(name: String, value: String)] = []
            if lgsp.queryParameters.contains("MaDinhDanhDV") { query.append(("MaDinhDanhDV", unit)) }
            if lgsp.queryParameters.contains("isUpdating"), let update { query.append(("isUpdating", DVCQGMapping.isUpdating(update))) }
            let url = configuration.baseURL + path + (query.isEmpty ? "" : "?" + FormEncoding.encode(query))
            return await call.post(rows, to: url, operation: operation, idempotencyKey: key, headers: try await bearer.headers())
        }
    }

    private func log(_ truncations: [Truncation], of event: DossierEvent) {
        for cut in truncations {
            logger.notice("value cut to the length DVCQG takes", metadata: [
                LogKey.dossier: "\(event.dossierCode)", "field": "\(cut.field)", "length": "\(cut.length)", "limit": "\(cut.limit)",
            ])
        }
    }
}

/// Signs in to DVCQG. Real clients keep a session at most ten minutes and sign in again before
/// it lapses; so does the gateway (`sessionLifetimeSeconds`).
struct DVCQGLogin: Sendable {
    let configuration: DVCQGConfiguration
    let password: Secret
    let headers: [(name: String, value: String)]
    let transport: any HTTPTransport

    func session() async -> Result<AccessToken, AuthenticationFailure> {
        let url = configuration.baseURL + configuration.authPath
        let body = (try? JSONEncoder().encode(["username": configuration.username ?? "", "password": password.value])) ?? Data()
        let request = OutboundRequest(url: url, headers: [("Content-Type", "application/json")] + headers, body: Array(body), timeout: .milliseconds(configuration.timeoutMilliseconds))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(AuthenticationFailure(AnswerReading.transportFailure(error, url: url)))
        }
        let answer = AnswerBody(response.body)
        let code = answer.text("error_code")
        if response.status == 200, code == "0" || code == "00", let session = answer.text("session"), !session.isEmpty {
            return .success(AccessToken(value: session, expiresAt: .now + .seconds(configuration.sessionLifetimeSeconds)))
        }
        var failure = AuthenticationFailure.from(response, url: url).answer
        failure.code = code
        failure.errorClass = failure.verdict == .retryable ? .loginHTTP(response.status) : .loginRefused
        return .failure(AuthenticationFailure(failure))
    }
}

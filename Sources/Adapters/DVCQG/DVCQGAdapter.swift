import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The National Public Service Portal (Cổng Dịch vụ công quốc gia).
///
/// Auth: a session from `login`, sent inside every request body. Operations:
/// `DongBoHoSoMC` (dossier upsert; an insert answered "đã tồn tại" is resent as an
/// update) and `CapNhatTienDoHoSoMC` (progress rows, at most 10 per call).
package struct DVCQGAdapter: TargetAdapter {
    package static let target: TargetName = "dvcqg"
    package static let syncDossier = "DongBoHoSoMC"
    package static let updateProgress = "CapNhatTienDoHoSoMC"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.syncDossier, Self.updateProgress] }

    private let configuration: DVCQGConfiguration
    private let call: JSONCall
    private let session: TokenCache
    private let logger: Logger

    package init(configuration: DVCQGConfiguration, password: Secret, classification: ClassificationTable, transport: any HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.call = JSONCall(
            transport: transport, classification: classification,
            fields: .init(code: ["error_code"], message: ["message"]), timeout: .milliseconds(configuration.timeoutMilliseconds)
        )
        let login = DVCQGLogin(configuration: configuration, password: password, transport: transport)
        self.session = TokenCache { await login.session() }
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await session.invalidate(usedSince: callStarted)
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        let token = try await session.token()
        let unit = configuration.unitCode ?? event.data.agencyCode
        switch operation {
        case Self.syncDossier:
            let hoSo = DVCQGMapping.hoSo(event)
            let insert = DVCQGMapping.isFirstSync(event)
            let answer = await write(WriteBody(session: token, madonvi: unit, service: operation, isUpdating: insert ? "false" : "true", data: [hoSo]), operation: operation, key: idempotencyKey)
            guard insert, answer.verdict == .duplicate else { return answer }
            logger.debug("dossier already known to DVCQG, resending as update", metadata: [LogKey.dossier: "\(event.dossierCode)"])
            // The update is another request with another body, so it carries its own key.
            var update = await write(WriteBody(session: token, madonvi: unit, service: operation, isUpdating: "true", data: [hoSo]), operation: operation, key: "\(idempotencyKey)/update")
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
            return .unknownOperation(operation, of: "DVCQG")
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
        await call.post(body, to: url(configuration.integrationPath), operation: operation, idempotencyKey: key)
    }
}

/// Signs in to DVCQG. The session carries no expiry: it is kept until an answer says it expired.
struct DVCQGLogin: Sendable {
    let configuration: DVCQGConfiguration
    let password: Secret
    let transport: any HTTPTransport

    func session() async -> Result<AccessToken, AuthenticationFailure> {
        let url = configuration.baseURL + configuration.authPath
        let body = (try? JSONEncoder().encode(["username": configuration.username, "password": password.value])) ?? Data()
        let request = OutboundRequest(url: url, headers: [("Content-Type", "application/json")], body: Array(body), timeout: .milliseconds(configuration.timeoutMilliseconds))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(AuthenticationFailure(AnswerReading.transportFailure(error, url: url)))
        }
        let answer = AnswerBody(response.body)
        let code = answer.text("error_code")
        if response.status == 200, code == "0" || code == "00", let session = answer.text("session"), !session.isEmpty {
            return .success(AccessToken(value: session, expiresAt: .now + .seconds(365 * 86_400)))
        }
        var failure = AuthenticationFailure.from(response, url: url).answer
        failure.code = code
        failure.errorClass = failure.verdict == .retryable ? .loginHTTP(response.status) : .loginRefused
        return .failure(AuthenticationFailure(failure))
    }
}

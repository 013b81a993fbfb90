import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The Ministry of Public Security's interconnected-services portal (DVC liên thông),
/// for the birth (`LTKS`) and death (`LTKT`) interconnected procedures.
///
/// One operation, `CapNhatTrangThaiHoSoLT`, pushes the statuses an event stands for, in
/// order: `trangThai` 1 → 3 → 7 → 4 → 5, with the branches 2 (supplement) and 6 (refused).
/// The portal refuses a status sent again after a later one was accepted, so the adapter keeps
/// what the portal accepted in the dossier's memory and skips it on retry, replay and restart;
/// once 5 or 6 is accepted the memory is kept finished, for the gateway's retention.
/// Auth: a bearer token from user name and password, signed in again before it expires.
package struct BCAAdapter: TargetAdapter {
    package static let target: TargetName = "bca"
    package static let pushStatus = "CapNhatTrangThaiHoSoLT"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.pushStatus] }

    private let configuration: BCAConfiguration
    private let call: JSONCall
    private let tokens: TokenCache

    package init(configuration: BCAConfiguration, password: Secret, headers: [(name: String, value: String)] = [], classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        self.call = JSONCall(
            transport: transport, classification: classification,
            fields: .init(code: ["status"], message: ["title", "message", "detail"]), timeout: .milliseconds(configuration.timeoutMilliseconds), headers: headers
        )
        let signIn = BCASignIn(configuration: configuration, password: password, transport: transport)
        self.tokens = TokenCache(refreshMargin: .seconds(configuration.refreshMarginSeconds)) { await signIn.token() }
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        try await perform(operation, for: event, idempotencyKey: idempotencyKey, memory: TransientDossierMemory())
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String, memory: any DossierMemory) async throws(AuthenticationFailure) -> OperationAnswer {
        guard operation == Self.pushStatus else {
            return .unknownOperation(operation, of: "BCA")
        }
        guard event.data.interconnect != nil else {
            return .missingData("the event carries no interconnect block; the BCA portal needs soHoSoLT")
        }
        let url = configuration.baseURL + configuration.statusPath
        let statuses = configuration.statuses(for: event.type)
        if statuses.contains(4), BCAMapping.result(event.data) == nil {
            return .missingData("status 4 needs the registration's result (data.interconnect.result) for ketQuaXuLy")
        }
        var progress = BCAProgress(await memory.recall())
        var last = OperationAnswer(verdict: .delivered, excerpt: "no BCA status for \(event.type.shortName)", url: url)
        for (index, trangThai) in statuses.enumerated() {
            if BCAMapping.isBehind(trangThai, index: index, of: event, progress: progress) {
                last = OperationAnswer(verdict: .duplicate, excerpt: "trangThai \(trangThai) is behind what the portal accepted for this dossier: not sent again", url: url)
                continue
            }
            let token = try await tokens.token()
            let body = BCAMapping.statusPush(event, trangThai: trangThai, processingAgency: configuration.processingAgency)
            // One call per status, each with its own key derived from the operation's.
            let key = index == 0 ? idempotencyKey : "\(idempotencyKey)/trangThai-\(trangThai)"
            last = await call.post(body, to: url, operation: operation, idempotencyKey: key, headers: [("Authorization", "Bearer \(token)")])
            guard last.verdict == .delivered || last.verdict == .duplicate else { return last }
            let advanced = BCAMapping.advanced(progress, by: trangThai, index: index, of: event)
            // Result returned (5) or refused (6) ends the dossier's life at the portal.
            guard await memory.keep(advanced.value, finished: [5, 6].contains(trangThai)) else {
                return OperationAnswer(verdict: .retryable, excerpt: "the accepted trangThai \(trangThai) could not be kept: stopping", url: url)
            }
            progress = advanced
        }
        return last
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens.invalidate(usedSince: callStarted)
    }
}

/// Signs in with user name and password, or renews with the refresh token while it is good.
actor BCASignIn {
    private let configuration: BCAConfiguration
    private let password: Secret
    private let transport: any HTTPTransport
    private var refresh: (token: String, expiresAt: Date)?

    init(configuration: BCAConfiguration, password: Secret, transport: any HTTPTransport) {
        self.configuration = configuration
        self.password = password
        self.transport = transport
    }

    func token() async -> Result<AccessToken, AuthenticationFailure> {
        if let refreshPath = configuration.refreshPath, let refresh, refresh.expiresAt > Date() {
            if case .success(let token) = await request(refreshPath, body: ["refreshToken": refresh.token]) { return .success(token) }
        }
        return await request(configuration.tokenPath, body: ["userName": configuration.userName, "password": password.value])
    }

    private func request(_ path: String, body: [String: String]) async -> Result<AccessToken, AuthenticationFailure> {
        let url = configuration.baseURL + path
        let request = OutboundRequest(url: url, headers: [("Content-Type", "application/json")], body: Array((try? JSONEncoder().encode(body)) ?? Data()), timeout: .milliseconds(configuration.timeoutMilliseconds))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(AuthenticationFailure(AnswerReading.transportFailure(error, url: url)))
        }
        let answer = AnswerBody(response.body)
        guard response.status == 200, let token = answer.text("token"), !token.isEmpty else {
            return .failure(.from(response, url: url))
        }
        if let refreshToken = answer.text("refreshToken") {
            let expiry = answer.text("refreshTokenExpiryTime").flatMap(BCAMapping.parseExpiry) ?? Date().addingTimeInterval(86_400)
            refresh = (refreshToken, expiry)
        }
        return .success(AccessToken(value: token, expiresAt: .now + .seconds(configuration.tokenLifetimeSeconds)))
    }
}

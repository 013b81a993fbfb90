import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The electronic civil registry (Hệ thống đăng ký, quản lý hộ tịch, Ministry of Justice).
///
/// One operation, `NhanDKHT`: hand a civil-status registration over, with the `hoTich`
/// record sent as a JSON string in `data`. Auth is OAuth2 client credentials with a
/// cached token. An answer saying the dossier "đã được tiếp nhận" means it is already there.
package struct HoTichAdapter: TargetAdapter {
    package static let target: TargetName = "hotich"
    package static let receive = "NhanDKHT"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.receive] }

    private let configuration: HoTichConfiguration
    private let call: JSONCall
    private let tokens: TokenCache

    package init(configuration: HoTichConfiguration, clientSecret: Secret, classification: ClassificationTable, transport: any HTTPTransport) {
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

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        guard operation == Self.receive else {
            return .unknownOperation(operation, of: "civil-registry")
        }
        guard let body = HoTichMapping.registration(event, configuration: configuration) else {
            return .missingData("the event carries no civilStatus block; the civil registry needs one")
        }
        let token = try await tokens.token()
        return await call.post(
            body, to: configuration.baseURL + configuration.receivePath, operation: operation,
            idempotencyKey: idempotencyKey, headers: [("Authorization", "Bearer \(token)")]
        )
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens.invalidate(usedSince: callStarted)
    }
}

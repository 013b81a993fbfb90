import AdapterSupport
import Foundation
import GatewayModel

/// The electronic civil registry (Hệ thống đăng ký, quản lý hộ tịch, Ministry of Justice).
///
/// One operation, `NhanDKHT`: hand a civil-status registration over, the flat registry record
/// sent as a JSON string in `data` and the papers inline as base64. No auth unless configured.
/// An answer saying the dossier "đã được tiếp nhận" means it is already there.
package struct HoTichAdapter: TargetAdapter {
    package static let target: TargetName = "hotich"
    package static let receive = "NhanDKHT"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.receive] }

    private let configuration: HoTichConfiguration
    private let call: JSONCall
    private let bearer: OptionalBearer

    package init(configuration: HoTichConfiguration, tokenRequest: ClientCredentials?, headers: [(name: String, value: String)] = [], classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        self.call = JSONCall(
            transport: transport, classification: classification,
            fields: .init(code: ["status"], message: ["errorDescription", "statusDescription"]),
            timeout: .milliseconds(configuration.timeoutMilliseconds), headers: headers
        )
        self.bearer = OptionalBearer(tokenRequest, transport: transport)
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        guard operation == Self.receive else {
            return .unknownOperation(operation, of: "civil-registry")
        }
        let body: HoTichRegistration
        switch HoTichMapping.registration(event, configuration: configuration) {
        case .success(let registration): body = registration
        case .failure(let refusal): return .missingData(refusal.detail)
        }
        let headers = try await bearer.headers()
        return await call.post(body, to: configuration.baseURL + configuration.receivePath, operation: operation, idempotencyKey: idempotencyKey, headers: headers)
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await bearer.invalidate(usedSince: callStarted)
    }
}

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The land information system (VBDLIS), reached through the province's LGSP.
///
/// Operations: `tiepnhan` (hand a land dossier over, attachments inline as base64),
/// `capnhattrangthaibosunghoso` (supplement requested) and `capnhattrangthaitraketquahoso`
/// (result returned). Auth is OAuth2 client credentials with a cached token, or none,
/// as configured. An answer saying "đã tồn tại" means the dossier is already there.
package struct VBDLISAdapter: TargetAdapter {
    package static let target: TargetName = "vbdlis"
    package static let handOver = "tiepnhan"
    package static let supplement = "capnhattrangthaibosunghoso"
    package static let returnResult = "capnhattrangthaitraketquahoso"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.handOver, Self.supplement, Self.returnResult] }

    private let configuration: VBDLISConfiguration
    private let call: JSONCall
    private let tokens: TokenCache?

    package init(configuration: VBDLISConfiguration, clientSecret: Secret?, classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        self.call = JSONCall(transport: transport, classification: classification, fields: .init(code: ["data"], message: ["status.message"]), timeout: timeout)
        if configuration.auth == .clientCredentials, let clientSecret, let tokenURL = configuration.tokenURL, let clientId = configuration.clientId {
            let credentials = ClientCredentials(tokenURL: tokenURL, clientID: clientId, clientSecret: clientSecret, scope: configuration.scope, timeout: timeout)
            self.tokens = TokenCache { await credentials.fetch(with: transport) }
        } else {
            self.tokens = nil
        }
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        let body: any Encodable
        switch operation {
        case Self.handOver:
            guard let handOver = VBDLISMapping.handOver(event) else {
                return .missingData("the event carries no land block; VBDLIS needs one")
            }
            body = handOver
        case Self.supplement: body = VBDLISMapping.supplement(event)
        case Self.returnResult: body = VBDLISMapping.returnResult(event)
        default:
            return .unknownOperation(operation, of: "VBDLIS")
        }
        var headers: [(name: String, value: String)] = []
        if let tokens { headers.append(("Authorization", "Bearer \(try await tokens.token())")) }
        return await call.post(body, to: configuration.baseURL + "/" + operation, operation: operation, idempotencyKey: idempotencyKey, headers: headers)
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens?.invalidate(usedSince: callStarted)
    }
}

import AdapterSupport
import Foundation
import GatewayModel

/// The land information system (VBDLIS), or its sibling ILIS, directly or through the LGSP.
///
/// Operations: `tiepnhan` (hand a land dossier over, attachments inline as base64),
/// `capnhattrangthaibosunghoso` (supplement requested), `capnhattrangthaitraketquahoso`
/// (result returned) and `phanhoihososaiketqua` (the one-stop reports a wrong result). No
/// auth unless configured: OAuth2 client credentials at an LGSP, or ILIS's password grant.
package struct VBDLISAdapter: TargetAdapter {
    package static let target: TargetName = "vbdlis"
    package static let handOver = "tiepnhan"
    package static let supplement = "capnhattrangthaibosunghoso"
    package static let returnResult = "capnhattrangthaitraketquahoso"
    package static let disputeResult = "phanhoihososaiketqua"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.handOver, Self.supplement, Self.returnResult, Self.disputeResult] }

    private let configuration: VBDLISConfiguration
    private let call: JSONCall
    private let bearer: OptionalBearer

    /// - Parameters:
    ///   - tokenRequest: the OAuth2 sign-in, when the deployment has one.
    ///   - headers: `connection.headers`, secrets read.
    package init(configuration: VBDLISConfiguration, tokenRequest: ClientCredentials?, headers: [(name: String, value: String)] = [], classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        self.call = JSONCall(transport: transport, classification: classification, fields: .init(code: ["data"], message: ["status.message"]), timeout: timeout, headers: headers)
        self.bearer = OptionalBearer(tokenRequest, transport: transport)
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
        case Self.disputeResult:
            guard let dispute = VBDLISMapping.disputeResult(event) else {
                return .missingData("the event says nothing (data.note) about what is wrong with the result")
            }
            body = dispute
        default:
            return .unknownOperation(operation, of: "VBDLIS")
        }
        let headers = try await bearer.headers()
        return await call.post(body, to: configuration.url(of: operation), operation: operation, idempotencyKey: idempotencyKey, headers: headers)
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        await bearer.invalidate(usedSince: callStarted)
    }
}

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The digital-government monitoring system (Hệ thống giám sát, đo lường; EMC).
///
/// One operation, `TrackingMCDT`, on every status transition. No auth: the configured
/// `SiteId` identifies the sender, and only the HTTP status of the answer counts.
package struct EMCAdapter: TargetAdapter {
    package static let target: TargetName = "emc"
    package static let tracking = "TrackingMCDT"

    package var target: TargetName { Self.target }
    package var operations: Set<String> { [Self.tracking] }

    private let configuration: EMCConfiguration
    private let call: JSONCall

    package init(configuration: EMCConfiguration, classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        self.call = JSONCall(transport: transport, classification: classification, fields: .none, timeout: .milliseconds(configuration.timeoutMilliseconds))
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        guard operation == Self.tracking else {
            return .unknownOperation(operation, of: "EMC")
        }
        let body = EMCMapping.tracking(event, configuration: configuration)
        return await call.post(body, to: configuration.baseURL + configuration.trackingPath, operation: operation, idempotencyKey: idempotencyKey)
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {}
}

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

    package init(configuration: EMCConfiguration, headers: [(name: String, value: String)] = [], classification: ClassificationTable, transport: any HTTPTransport) {
        self.configuration = configuration
        self.call = JSONCall(transport: transport, classification: classification, fields: .none, timeout: .milliseconds(configuration.timeoutMilliseconds), headers: headers)
    }

    package func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        guard operation == Self.tracking else {
            return .unknownOperation(operation, of: "EMC")
        }
        let body = EMCMapping.tracking(event, configuration: configuration)
        let url = configuration.baseURL + configuration.trackingPath
        switch configuration.format {
        case .json: return await call.post(body, to: url, operation: operation, idempotencyKey: idempotencyKey)
        case .form: return await call.postForm(body.formFields, to: url, operation: operation, idempotencyKey: idempotencyKey)
        }
    }

    package func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {}
}

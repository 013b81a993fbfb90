import Foundation
import GatewayModel
import W3CTraceContext

/// The record on `gateway.results`: one per (event × target), keyed by dossier code, and one
/// more for each replay of a dead letter, carrying the replay's id.
/// Its JSON Schema is `Contracts/records/result-record.schema.json`.
package struct ResultRecord: Codable, Sendable, Equatable {
    package var eventId: String
    package var eventType: String
    package var dossierCode: String
    package var target: TargetName
    package var outcome: DeliveryOutcome.Status
    package var operations: [DeliveryOutcome.OperationReport]
    /// The national system's answer code of the last operation.
    package var answerCode: String?
    package var httpStatus: Int?
    package var attempts: Int
    /// Set when dead-lettered or parked, and for a replay not sent (`ReplayRefusal`).
    package var reason: String?
    /// For a parked delivery: the dead-lettered event it waits behind.
    package var parkedBehind: String?
    package var source: Source
    /// For a replayed dead letter: the replay's id.
    package var replay: String?
    /// The delivery's span of the event's trace, as a W3C `traceparent`.
    package var traceparent: String?
    package var completedAt: Date
    package var gatewayVersion: String

    package struct Source: Codable, Sendable, Equatable {
        package var topic: String
        package var partition: Int32
        package var offset: Int64
    }

    package init(outcome: DeliveryOutcome, completedAt: Date = Date()) {
        let delivery = outcome.delivery
        self.eventId = delivery.event.id
        self.eventType = delivery.event.type.shortName
        self.dossierCode = delivery.event.dossierCode
        self.target = delivery.target
        self.outcome = outcome.status
        self.operations = outcome.operations
        self.answerCode = outcome.failure?.code ?? outcome.operations.last?.answerCode
        self.httpStatus = outcome.failure?.httpStatus ?? outcome.operations.last?.httpStatus
        self.attempts = outcome.attempts
        self.reason = outcome.reason?.rawValue ?? outcome.replayRefusal?.rawValue
        self.parkedBehind = outcome.parkedBehind?.eventId
        self.source = Source(topic: delivery.origin.topic, partition: delivery.origin.partition, offset: delivery.origin.offset)
        self.replay = delivery.replay?.id
        self.traceparent = delivery.trace.traceparent
        self.completedAt = completedAt
        self.gatewayVersion = GatewayVersion.current
    }
}

/// The gateway's version: printed by `gateway --version` and stamped on every record it writes.
package enum GatewayVersion {
    package static let current = "0.3.0"
}

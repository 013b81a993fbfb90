import Foundation
import GatewayModel

/// The record on `gateway.results`: exactly one per (event × target), keyed by dossier code.
/// Its JSON Schema is `Contracts/records/result-record.schema.json`.
public struct ResultRecord: Codable, Sendable, Equatable {
    public var eventId: String
    public var eventType: String
    public var dossierCode: String
    public var target: TargetName
    public var outcome: DeliveryOutcome.Status
    public var operations: [DeliveryOutcome.OperationReport]
    /// The national system's answer code of the last operation.
    public var answerCode: String?
    public var httpStatus: Int?
    public var attempts: Int
    /// Set when dead-lettered or parked.
    public var reason: String?
    /// For a parked delivery: the dead-lettered event it waits behind.
    public var parkedBehind: String?
    public var source: Source
    public var completedAt: Date
    public var gatewayVersion: String

    public struct Source: Codable, Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
    }

    public init(outcome: DeliveryOutcome, completedAt: Date = Date()) {
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
        self.reason = outcome.reason?.rawValue
        self.parkedBehind = outcome.parkedBehind?.eventId
        self.source = Source(topic: delivery.origin.topic, partition: delivery.origin.partition, offset: delivery.origin.offset)
        self.completedAt = completedAt
        self.gatewayVersion = GatewayVersion.current
    }

    public func encoded() -> [UInt8] {
        Array(try! JSONCoding.encoder.encode(self))
    }
}

/// The gateway's version: printed by `gateway --version` and stamped on every record it writes.
public enum GatewayVersion {
    public static let current = "0.3.0"
}

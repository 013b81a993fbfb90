import GatewayModel

/// Where an incoming record came from, kept whole so a dead letter can carry it untouched.
package struct EventOrigin: Sendable {
    package struct Header: Sendable, Equatable {
        package let key: String
        package let value: [UInt8]
        package init(key: String, value: [UInt8]) {
            self.key = key
            self.value = value
        }
    }

    package let topic: String
    package let partition: Int32
    package let offset: Int64
    package let timestampMilliseconds: Int64?
    package let key: [UInt8]?
    package let value: [UInt8]
    package let headers: [Header]

    package init(topic: String, partition: Int32, offset: Int64, timestampMilliseconds: Int64?, key: [UInt8]?, value: [UInt8], headers: [Header]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMilliseconds = timestampMilliseconds
        self.key = key
        self.value = value
        self.headers = headers
    }

    package var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}

/// One event to bring to one national system: its operations, in order.
package struct Delivery: Sendable {
    package let event: DossierEvent
    package let target: TargetName
    package let operations: [String]
    package let origin: EventOrigin

    package init(event: DossierEvent, target: TargetName, operations: [String], origin: EventOrigin) {
        self.event = event
        self.target = target
        self.operations = operations
        self.origin = origin
    }

    /// The key a system sees for `operation` of this event, the same across retries,
    /// redeliveries and replays: `<dossier code>/<event id>/<target>/<operation>`. The dossier is
    /// part of it so that two dossiers' events that share an id never look like one.
    package func idempotencyKey(for operation: String) -> String {
        "\(event.dossierCode)/\(event.id)/\(target)/\(operation)"
    }
}

/// How a delivery ended.
package struct DeliveryOutcome: Sendable {
    package enum Status: String, Codable, Sendable {
        case delivered
        case duplicate
        case deadLettered = "dead-lettered"
        /// Not sent: an earlier event of the dossier is dead-lettered for this target.
        case parked
        /// Not sent: read again after a crash or a rebalance, and the target had it already.
        /// Its result was written when it was delivered; nothing new is written.
        case alreadyDelivered = "already-delivered"
    }

    /// One operation's final answer.
    package struct OperationReport: Codable, Sendable, Equatable {
        package var operation: String
        package var verdict: Verdict
        package var httpStatus: Int?
        package var answerCode: String?
        package var attempts: Int
        package var idempotencyKey: String

        package init(operation: String, verdict: Verdict, httpStatus: Int?, answerCode: String?, attempts: Int, idempotencyKey: String) {
            self.operation = operation
            self.verdict = verdict
            self.httpStatus = httpStatus
            self.answerCode = answerCode
            self.attempts = attempts
            self.idempotencyKey = idempotencyKey
        }
    }

    package let delivery: Delivery
    package let status: Status
    package let operations: [OperationReport]
    /// For a dead letter: the last answer of the operation that failed.
    package let failure: OperationAnswer?
    /// For a dead letter: why it was given up (`permanent`, `retries-exhausted`, `budget-exhausted`, …).
    package let reason: GiveUpReason?
    /// For a parked delivery: the dead-lettered event it waits behind.
    package let parkedBehind: ParkedDossier?

    package init(delivery: Delivery, status: Status, operations: [OperationReport], failure: OperationAnswer?, reason: GiveUpReason?, parkedBehind: ParkedDossier? = nil) {
        self.delivery = delivery
        self.status = status
        self.operations = operations
        self.failure = failure
        self.reason = reason
        self.parkedBehind = parkedBehind
    }

    /// True when this outcome goes to the dead-letter topic too (dead letters and parked events).
    package var isDeadLetter: Bool { status == .deadLettered || status == .parked }

    /// True when the target received the event through this delivery (a mark records it).
    package var reachedTarget: Bool { status == .delivered || status == .duplicate }

    package var attempts: Int { operations.reduce(0) { $0 + $1.attempts } }
}

import GatewayModel

/// Where an incoming record came from, kept whole so a dead letter can carry it untouched.
public struct EventOrigin: Sendable {
    public struct Header: Sendable, Equatable {
        public let key: String
        public let value: [UInt8]
        public init(key: String, value: [UInt8]) {
            self.key = key
            self.value = value
        }
    }

    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let timestampMilliseconds: Int64?
    public let key: [UInt8]?
    public let value: [UInt8]
    public let headers: [Header]

    public init(topic: String, partition: Int32, offset: Int64, timestampMilliseconds: Int64?, key: [UInt8]?, value: [UInt8], headers: [Header]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMilliseconds = timestampMilliseconds
        self.key = key
        self.value = value
        self.headers = headers
    }

    public var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}

/// One event to bring to one national system: its operations, in order.
public struct Delivery: Sendable {
    public let event: DossierEvent
    public let target: TargetName
    public let operations: [String]
    public let origin: EventOrigin

    public init(event: DossierEvent, target: TargetName, operations: [String], origin: EventOrigin) {
        self.event = event
        self.target = target
        self.operations = operations
        self.origin = origin
    }

    /// The key a system sees for `operation` of this event, the same across retries,
    /// redeliveries and replays: `<dossier code>/<event id>/<target>/<operation>`. The dossier is
    /// part of it so that two dossiers' events that share an id never look like one.
    public func idempotencyKey(for operation: String) -> String {
        "\(event.dossierCode)/\(event.id)/\(target)/\(operation)"
    }
}

/// How a delivery ended.
public struct DeliveryOutcome: Sendable {
    public enum Status: String, Codable, Sendable {
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
    public struct OperationReport: Codable, Sendable, Equatable {
        public var operation: String
        public var verdict: Verdict
        public var httpStatus: Int?
        public var answerCode: String?
        public var attempts: Int
        public var idempotencyKey: String

        public init(operation: String, verdict: Verdict, httpStatus: Int?, answerCode: String?, attempts: Int, idempotencyKey: String) {
            self.operation = operation
            self.verdict = verdict
            self.httpStatus = httpStatus
            self.answerCode = answerCode
            self.attempts = attempts
            self.idempotencyKey = idempotencyKey
        }
    }

    public let delivery: Delivery
    public let status: Status
    public let operations: [OperationReport]
    /// For a dead letter: the last answer of the operation that failed.
    public let failure: OperationAnswer?
    /// For a dead letter: why it was given up (`permanent`, `retries-exhausted`, `budget-exhausted`, …).
    public let reason: GiveUpReason?
    /// For a parked delivery: the dead-lettered event it waits behind.
    public let parkedBehind: ParkedDossier?

    public init(delivery: Delivery, status: Status, operations: [OperationReport], failure: OperationAnswer?, reason: GiveUpReason?, parkedBehind: ParkedDossier? = nil) {
        self.delivery = delivery
        self.status = status
        self.operations = operations
        self.failure = failure
        self.reason = reason
        self.parkedBehind = parkedBehind
    }

    /// True when this outcome goes to the dead-letter topic too (dead letters and parked events).
    public var isDeadLetter: Bool { status == .deadLettered || status == .parked }

    /// True when the target received the event through this delivery (a mark records it).
    public var reachedTarget: Bool { status == .delivered || status == .duplicate }

    public var attempts: Int { operations.reduce(0) { $0 + $1.attempts } }
}

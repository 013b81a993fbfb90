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

    /// How it ended, each case with exactly what it carries.
    package enum Ending: Sendable {
        /// Every operation accepted; `duplicate` when the system knew every one already.
        case delivered([OperationReport], duplicate: Bool)
        /// Given up: the reports up to the failed operation, its last answer and why.
        case deadLettered([OperationReport], failure: OperationAnswer, reason: GiveUpReason)
        /// Not sent: the dossier waits behind this dead-lettered event.
        case parked(behind: ParkedDossier)
        /// Not sent: the target had it already.
        case alreadyDelivered
    }

    package let delivery: Delivery
    package let ending: Ending

    package init(_ delivery: Delivery, _ ending: Ending) {
        self.delivery = delivery
        self.ending = ending
    }

    package var status: Status {
        switch ending {
        case .delivered(_, let duplicate): duplicate ? .duplicate : .delivered
        case .deadLettered: .deadLettered
        case .parked: .parked
        case .alreadyDelivered: .alreadyDelivered
        }
    }

    package var operations: [OperationReport] {
        switch ending {
        case .delivered(let reports, _), .deadLettered(let reports, _, _): reports
        case .parked, .alreadyDelivered: []
        }
    }

    /// For a dead letter: the last answer of the operation that failed.
    package var failure: OperationAnswer? {
        if case .deadLettered(_, let failure, _) = ending { return failure }
        return nil
    }

    /// For a dead letter: why it was given up; `parked` for a parked delivery.
    package var reason: GiveUpReason? {
        switch ending {
        case .deadLettered(_, _, let reason): reason
        case .parked: .parked
        case .delivered, .alreadyDelivered: nil
        }
    }

    /// For a parked delivery: the dead-lettered event it waits behind.
    package var parkedBehind: ParkedDossier? {
        if case .parked(let entry) = ending { return entry }
        return nil
    }

    /// True when this outcome goes to the dead-letter topic too (dead letters and parked events).
    package var isDeadLetter: Bool { status == .deadLettered || status == .parked }

    /// True when the target received the event through this delivery (a mark records it).
    package var reachedTarget: Bool { status == .delivered || status == .duplicate }

    package var attempts: Int { operations.reduce(0) { $0 + $1.attempts } }
}

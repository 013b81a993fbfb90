import GatewayModel
import W3CTraceContext

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
///
/// A delivery is copied at every step (its lane's queue, its task, its outcome, its records)
/// and its event holds dozens of references, each retained and released per copy; so its
/// parts live in one immutable box, and a copy costs one reference.
package struct Delivery: Sendable {
    @usableFromInline
    final class Parts: Sendable {
        @usableFromInline let event: DossierEvent
        @usableFromInline let target: TargetName
        @usableFromInline let operations: [String]
        @usableFromInline let origin: EventOrigin
        @usableFromInline let replay: Replay?
        @usableFromInline let trace: TraceContext

        init(event: DossierEvent, target: TargetName, operations: [String], origin: EventOrigin, replay: Replay?, trace: TraceContext) {
            self.event = event
            self.target = target
            self.operations = operations
            self.origin = origin
            self.replay = replay
            self.trace = trace
        }
    }

    @usableFromInline let parts: Parts

    @inlinable package var event: DossierEvent { parts.event }
    @inlinable package var target: TargetName { parts.target }
    @inlinable package var operations: [String] { parts.operations }
    @inlinable package var origin: EventOrigin { parts.origin }
    /// Set when the record is a dead letter sent again by `gateway replay`.
    @inlinable package var replay: Replay? { parts.replay }
    /// This delivery's span: a child of the event's `traceparent`, or of a new trace when it has none.
    @inlinable package var trace: TraceContext { parts.trace }

    package init(event: DossierEvent, target: TargetName, operations: [String], origin: EventOrigin, replay: Replay? = nil, trace: TraceContext? = nil) {
        parts = Parts(
            event: event, target: target, operations: operations, origin: origin, replay: replay,
            trace: trace ?? DeliveryTrace.child(of: DeliveryTrace.parent(in: origin.headers))
        )
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
        /// A replayed dead letter not sent, because it is not its turn (see `ReplayRefusal`).
        case notReplayed = "not-replayed"
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
        /// A replayed dead letter not sent, and why.
        case notReplayed(ReplayRefusal)
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
        case .notReplayed: .notReplayed
        }
    }

    package var operations: [OperationReport] {
        switch ending {
        case .delivered(let reports, _), .deadLettered(let reports, _, _): reports
        case .parked, .alreadyDelivered, .notReplayed: []
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
        case .delivered, .alreadyDelivered, .notReplayed: nil
        }
    }

    /// For a replayed dead letter not sent: why.
    package var replayRefusal: ReplayRefusal? {
        if case .notReplayed(let refusal) = ending { return refusal }
        return nil
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

/// A dead letter sent again by `gateway replay`: a record on the events topic that carries the
/// original event and headers, plus these, and goes to one target only.
package struct Replay: Sendable, Equatable {
    package enum Header {
        /// The one target the record goes to.
        package static let target = "gateway.replay.target"
        /// The replay run it belongs to, echoed on its result record.
        package static let id = "gateway.replay.id"
        /// The dead letter it sends again, `partition:offset` on the dead-letter topic.
        package static let deadLetter = "gateway.replay.of"
        package static let all = [target, id, deadLetter]
    }

    package let target: TargetName
    package let id: String
    package let deadLetter: String

    package init(target: TargetName, id: String, deadLetter: String) {
        self.target = target
        self.id = id
        self.deadLetter = deadLetter
    }

    /// The replay a record's headers describe; nil for a record of the one-stop.
    /// - Throws: when the record names a replay target but not the rest.
    package init?(headers: [EventOrigin.Header]) throws(InvalidEvent) {
        func text(_ name: String) -> String? {
            headers.last { $0.key == name }.map { String(decoding: $0.value, as: UTF8.self) }
        }
        guard let target = text(Header.target) else { return nil }
        guard !target.isEmpty, let id = text(Header.id), !id.isEmpty, let deadLetter = text(Header.deadLetter), !deadLetter.isEmpty else {
            throw InvalidEvent("a replay record needs \(Header.target), \(Header.id) and \(Header.deadLetter), none empty")
        }
        self.init(target: TargetName(target), id: id, deadLetter: deadLetter)
    }

    /// The headers that make a record a replay of `self`.
    package var headers: [EventOrigin.Header] {
        [(Header.target, target.rawValue), (Header.id, id), (Header.deadLetter, deadLetter)].map { EventOrigin.Header(key: $0.0, value: Array($0.1.utf8)) }
    }
}

/// Why a replayed dead letter was not sent. Its dossier's order at the target decides:
/// only the next event it waits for may go.
package enum ReplayRefusal: String, Codable, Sendable {
    /// The dossier is not parked for the target (released, skipped, or replayed to the end).
    case notParked = "not-parked"
    /// The event reached the target in an earlier replay.
    case alreadyThrough = "already-through"
    /// An earlier event of the dossier must reach the target first.
    case outOfTurn = "out-of-turn"
    /// The dossier is parked for the target, but not with this event.
    case notHeldBack = "not-held-back"
    /// Today's routing sends no operation of this event to the target.
    case notRouted = "not-routed"
}

/// W3C trace context through a delivery: each delivery is a span of its event's trace, and
/// each call to a national system a span of the delivery, sent as `traceparent`.
package enum DeliveryTrace {
    /// The delivery running in this task; the transport reads it to stamp each call.
    @TaskLocal package static var current: TraceContext?

    /// The event's own context, from its `traceparent` (and `tracestate`) headers, when valid.
    package static func parent(in headers: [EventOrigin.Header]) -> TraceContext? {
        func text(_ name: String) -> String? {
            headers.last { $0.key.lowercased() == name }.map { String(decoding: $0.value, as: UTF8.self) }
        }
        guard let parent = text("traceparent") else { return nil }
        return try? TraceContext(traceParentHeaderValue: parent, traceStateHeaderValue: text("tracestate"))
    }

    /// A new span under `parent`, or the root of a new sampled trace when there is none.
    package static func child(of parent: TraceContext?) -> TraceContext {
        guard let parent else { return TraceContext(traceID: .random(), spanID: .random(), flags: .sampled, state: TraceState()) }
        return TraceContext(traceID: parent.traceID, spanID: .random(), flags: parent.flags, state: parent.state)
    }
}

extension TraceContext {
    /// The `traceparent` header value, `00-<trace id>-<span id>-<flags>` in lowercase hex, as
    /// `traceParentHeaderValue` gives it but written in place: every call and every result
    /// carries one, and the interpolated form costs about ten allocations.
    package var traceparent: String {
        String(unsafeUninitializedCapacity: 55) { text in
            let digits: StaticString = "0123456789abcdef"
            var end = 0
            func put(_ byte: UInt8) {
                text[end] = byte
                end += 1
            }
            func putHex(_ byte: UInt8) {
                put(digits.utf8Start[Int(byte >> 4)])
                put(digits.utf8Start[Int(byte & 0x0F)])
            }
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "-"))
            withUnsafeBytes(of: traceID.bytes) { for byte in $0 { putHex(byte) } }
            put(UInt8(ascii: "-"))
            withUnsafeBytes(of: spanID.bytes) { for byte in $0 { putHex(byte) } }
            put(UInt8(ascii: "-"))
            putHex(flags.rawValue)
            return end
        }
    }
}

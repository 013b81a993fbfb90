import Foundation
import GatewayModel
import W3CTraceContext

/// A record for `gateway.dlq`: the original event's key and value untouched, its own
/// headers kept, and `dlq.*` headers with everything an operator needs to decide.
/// The header set is described in `Contracts/records/dead-letter.md` and the AsyncAPI document.
package struct DeadLetter: Sendable {
    package let key: [UInt8]?
    package let value: [UInt8]
    package let headers: [EventOrigin.Header]

    /// Header names, all prefixed `dlq.`.
    package enum Header {
        package static let originalTopic = "dlq.original.topic"
        package static let originalPartition = "dlq.original.partition"
        package static let originalOffset = "dlq.original.offset"
        package static let originalTimestamp = "dlq.original.timestamp"
        package static let target = "dlq.target"
        package static let operation = "dlq.operation"
        package static let method = "dlq.method"
        package static let url = "dlq.url"
        package static let httpStatus = "dlq.http.status"
        package static let answerCode = "dlq.answer.code"
        package static let answerExcerpt = "dlq.answer.excerpt"
        package static let attempts = "dlq.attempts"
        package static let errorClass = "dlq.error.class"
        package static let reason = "dlq.reason"
        package static let idempotencyKey = "dlq.idempotency.key"
        package static let eventId = "dlq.event.id"
        package static let contractVersion = "dlq.contract.version"
        package static let gatewayVersion = "dlq.gateway.version"
        package static let deadLetteredAt = "dlq.dead-lettered.at"
        package static let parkedBehind = "dlq.parked.behind"
        /// The delivery's span of the event's trace, as a W3C `traceparent`.
        package static let traceparent = "dlq.traceparent"
        /// Set when the original value and headers were left out because the record would be too
        /// large: `<bytes> bytes: <why>`. The original is read from `dlq.original.*` instead.
        package static let valueOmitted = "dlq.value.omitted"

        /// Every header the gateway writes, as `Contracts/records/dead-letter.md` documents them.
        package static let all = [
            originalTopic, originalPartition, originalOffset, originalTimestamp, target, operation, method, url, httpStatus, answerCode,
            answerExcerpt, attempts, errorClass, reason, idempotencyKey, eventId, contractVersion, gatewayVersion, deadLetteredAt,
            parkedBehind, traceparent, valueOmitted,
        ]
    }

    /// The most bytes one `dlq.*` header value takes; longer text is cut on a character boundary.
    package static let maxHeaderBytes = 1_024

    /// Key, value and headers together, as the producer counts them.
    package var byteCount: Int {
        (key?.count ?? 0) + value.count + headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.count }
    }

    /// The same dead letter without the original value and headers, which stay readable at
    /// `dlq.original.*` for as long as `dossier.events` keeps them: for a record too large for
    /// the dead-letter topic.
    package func referencingOriginal(because why: String) -> DeadLetter {
        var kept = headers.filter { $0.key.hasPrefix("dlq.") }
        kept.append(.init(key: Header.valueOmitted, value: Self.capped("\(value.count) bytes: \(why)")))
        return DeadLetter(key: key.map { Array($0.prefix(Self.maxHeaderBytes)) }, value: [], headers: kept)
    }

    private init(key: [UInt8]?, value: [UInt8], headers: [EventOrigin.Header]) {
        self.key = key
        self.value = value
        self.headers = headers
    }

    static func capped(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count > maxHeaderBytes else { return bytes }
        var end = maxHeaderBytes - 3
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(bytes[..<end]) + Array("…".utf8)
    }

    /// The dead letter of a delivery that failed for good.
    package init(outcome: DeliveryOutcome, contractVersion: String, at date: Date = Date()) {
        let delivery = outcome.delivery
        let failed = outcome.operations.last
        let failure = outcome.failure
        var fields: [(String, String?)] = [
            (Header.target, delivery.target.rawValue),
            (Header.operation, failed?.operation ?? delivery.operations.first),
            (Header.method, failure?.method),
            (Header.url, failure.map { Redaction.url($0.url) }),
            (Header.httpStatus, failure?.httpStatus.map(String.init) ?? "none"),
            (Header.answerCode, failure?.code),
            (Header.answerExcerpt, failure.map { Redaction.mask($0.excerpt, hiding: delivery.event.personalTexts) }),
            (Header.attempts, String(outcome.attempts)),
            (Header.errorClass, outcome.status == .parked ? ErrorClass.parked.rawValue : failure?.errorClass?.rawValue ?? failure?.verdict.rawValue),
            (Header.reason, outcome.reason?.rawValue),
            (Header.idempotencyKey, failed?.idempotencyKey ?? delivery.operations.first.map(delivery.idempotencyKey(for:))),
            (Header.eventId, delivery.event.id),
            (Header.parkedBehind, outcome.parkedBehind?.eventId),
            (Header.traceparent, delivery.trace.traceparent),
        ]
        fields.append((Header.contractVersion, contractVersion))
        self.init(origin: delivery.origin, fields: fields, at: date)
    }

    /// The dead letter of a record that is not a valid dossier event.
    package init(invalid origin: EventOrigin, reason: String, at date: Date = Date()) {
        self.init(origin: origin, fields: [
            (Header.target, "none"),
            (Header.attempts, "0"),
            (Header.errorClass, ErrorClass.invalidEvent.rawValue),
            (Header.reason, "\(ErrorClass.invalidEvent): \(Redaction.mask(reason))"),
            (Header.contractVersion, DossierEventDecoder.contractVersion),
        ], at: date)
    }

    private init(origin: EventOrigin, fields: [(String, String?)], at date: Date) {
        key = origin.key
        value = origin.value
        var headers = origin.headers.filter { !$0.key.hasPrefix("dlq.") }
        let common: [(String, String?)] = [
            (Header.originalTopic, origin.topic),
            (Header.originalPartition, String(origin.partition)),
            (Header.originalOffset, String(origin.offset)),
            (Header.originalTimestamp, origin.timestampMilliseconds.map(String.init)),
            (Header.gatewayVersion, GatewayVersion.current),
            (Header.deadLetteredAt, VietnamTime.rfc3339(date)),
        ]
        for (name, value) in common + fields {
            if let value { headers.append(.init(key: name, value: Self.capped(value))) }
        }
        self.headers = headers
    }
}

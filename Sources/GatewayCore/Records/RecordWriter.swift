import GatewayModel

/// Writes a JSON object field by field, as `JSONCoding.encoder` would (keys given in sorted
/// order, nil fields left out, `/` not escaped), without `Encodable`'s boxes and metadata
/// look-ups: the result record is written once per (event × target), on the hot path.
struct RecordWriter {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func beginArray(_ key: String) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// Starts an object as the next element of an array.
    mutating func beginElement() {
        separate()
        beginObject()
    }

    mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    mutating func field(_ key: String, _ value: (some BinaryInteger)?) {
        guard let value else { return }
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func objectField(_ key: String) {
        self.key(key)
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    private mutating func key(_ key: String) {
        separate()
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    private mutating func string(_ text: String) {
        JSONText.appendString(text, to: &bytes)
    }
}

extension ResultRecord {
    /// The record as `JSONCoding.encoder` writes it, field for field (a test holds them equal).
    package func encoded() -> [UInt8] {
        var writer = RecordWriter()
        writer.beginObject()
        writer.field("answerCode", answerCode)
        writer.field("attempts", attempts)
        writer.field("completedAt", VietnamTime.rfc3339(completedAt))
        writer.field("dossierCode", dossierCode)
        writer.field("eventId", eventId)
        writer.field("eventType", eventType)
        writer.field("gatewayVersion", gatewayVersion)
        writer.field("httpStatus", httpStatus)
        writer.beginArray("operations")
        for report in operations {
            writer.beginElement()
            writer.field("answerCode", report.answerCode)
            writer.field("attempts", report.attempts)
            writer.field("httpStatus", report.httpStatus)
            writer.field("idempotencyKey", report.idempotencyKey)
            writer.field("operation", report.operation)
            writer.field("verdict", report.verdict.rawValue)
            writer.endObject()
        }
        writer.endArray()
        writer.field("outcome", outcome.rawValue)
        writer.field("parkedBehind", parkedBehind)
        writer.field("reason", reason)
        writer.field("replay", replay)
        writer.objectField("source")
        writer.field("offset", source.offset)
        writer.field("partition", source.partition)
        writer.field("topic", source.topic)
        writer.endObject()
        writer.field("target", target.rawValue)
        writer.field("traceparent", traceparent)
        writer.endObject()
        return writer.bytes
    }
}

import GatewayCore
import GatewayModel
import Logging

/// Writes every log line through the masker: secrets and personal data are masked, control
/// characters escaped (one event is one line, so a value cannot forge another), and each
/// message and metadata value capped in length.
package struct SafeLogHandler: LogHandler {
    private var base: any LogHandler
    static let maxValueBytes = 1_024
    /// Metadata that is never personal and whose digits an operator needs whole.
    static let plainKeys: Set<String> = ["offset", "partition", "attempts", LogKey.httpStatus, "failures", "calls", "consecutive", "limit", "unfinished"]

    package init(_ base: any LogHandler) { self.base = base }

    package var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    package var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    package func log(event: LogEvent) {
        var safe = event
        safe.message = "\(Self.clean(event.message.description))"
        safe.metadata = event.metadata.map { metadata in
            Dictionary(uniqueKeysWithValues: metadata.map { key, value in (key, Self.plainKeys.contains(key) ? value : Self.clean(value)) })
        }
        base.log(event: safe)
    }

    static func clean(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(clean(text))
        case .stringConvertible(let convertible): .string(clean(convertible.description))
        case .array(let values): .array(values.map(clean))
        case .dictionary(let values): .dictionary(values.mapValues(clean))
        }
    }

    static func clean(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(min(text.utf8.count, maxValueBytes))
        for scalar in Redaction.mask(text).unicodeScalars {
            if escaped.utf8.count >= maxValueBytes {
                escaped += "…"
                break
            }
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.properties.generalCategory == .control: escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

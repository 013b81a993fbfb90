import Foundation

/// Any JSON value, for the parts of events and configuration whose shape belongs to
/// someone else: a national system's own fields, an adapter's connection settings.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    /// A whole number, kept exactly (a registry's record numbers can exceed 2^53).
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        // The decoder names no value's kind, so each is tried in turn, and every miss throws:
        // the commonest kinds in the fields this holds, text and then objects, go first.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// Decodes this value as `T`, as if it had been read from a file, with the gateway's
    /// own date format.
    /// Text given as text, or a number written out: what lenient clients read from either.
    public var text: String? {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .number(let value): String(value)
        default: nil
        }
    }

    /// A whole number given as a number or as its digits.
    public var wholeNumber: Int? {
        switch self {
        case .integer(let value): Int(exactly: value)
        case .number(let value): value.rounded() == value ? Int(exactly: value) : nil
        case .string(let text): Int(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONCoding.decoder.decode(T.self, from: JSONCoding.encoder.encode(self))
    }
}

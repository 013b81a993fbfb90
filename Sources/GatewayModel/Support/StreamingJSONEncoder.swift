import Foundation

/// Encodes an `Encodable` value straight into JSON bytes, keys in the order the value encodes
/// them, without the intermediate tree, boxes and dictionaries `JSONEncoder` builds. Every
/// request body to a national system is encoded once per call, on the hot path.
///
/// It writes what `JSONEncoder` writes for strings, integers, booleans, nulls, objects and
/// arrays; `/` is not escaped. A value holding anything else (floating point, `Date`, `Data`,
/// `URL`, `Decimal`) is handed whole to `JSONEncoder`, so every value encodes.
public enum StreamingJSONEncoder {
    /// Thrown when the value holds a type this encoder leaves to `JSONEncoder`.
    struct Unsupported: Error {}

    private static let fallback = JSONEncoder()

    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let output = Output()
        do {
            try output.value(value, depth: 0)
            output.close(above: -1)
            return output.bytes
        } catch is Unsupported {
            return Array(try fallback.encode(value))
        }
    }
}

/// Appends JSON text to bytes.
package enum JSONText {
    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`,
    /// everything else as its UTF-8.
    package static func appendString(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            // Runs that need no escape are copied whole.
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
                case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [92, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [92, UInt8(ascii: "f")])
                default: bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// The bytes written so far and the containers still open, innermost last. A container is
/// closed when its parent writes again, or at the end: synthesized `Encodable` code finishes
/// a nested container before it goes on, so the open containers always form one path.
///
/// Its state is not checked for exclusive access at run time: those checks were a fifth of the
/// encoder's time. One `encode` call owns its `Output` on one thread, and no access overlaps
/// another (the one in-out use, `appendString(_:to:)` on `bytes`, touches nothing else).
private final class Output {
    enum Kind { case object, array }

    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) private var open: [(kind: Kind, count: Int)] = []
    /// A key was written (or an element begun) and its value has not started yet.
    @exclusivity(unchecked) private var awaitingValue = false

    init() { bytes.reserveCapacity(1_024) }

    /// Closes every container deeper than `depth`.
    func close(above depth: Int) {
        while open.count > depth + 1 {
            bytes.append(open.removeLast().kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    /// Opens a container for the value at `depth`, or returns the one already open there.
    func openContainer(_ kind: Kind, depth: Int) {
        close(above: depth)
        if open.count == depth + 1, open[depth].kind == kind { return }
        awaitingValue = false
        bytes.append(kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        open.append((kind, 0))
    }

    /// Starts the next member of the container at `depth`: its separator, and its key in an object.
    func member(_ key: String?, in depth: Int) {
        close(above: depth)
        if open[depth].count > 0 { bytes.append(UInt8(ascii: ",")) }
        open[depth].count += 1
        if let key {
            JSONText.appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
        awaitingValue = true
    }

    func raw(_ text: some StringProtocol) {
        awaitingValue = false
        bytes.append(contentsOf: text.utf8)
    }

    func string(_ text: String) {
        awaitingValue = false
        JSONText.appendString(text, to: &bytes)
    }

    /// Writes any value whose container, if it opens one, sits at `depth`.
    func value<T: Encodable>(_ value: T, depth: Int) throws {
        // The type is compared, not cast to: a failed dynamic cast costs far more than a
        // comparison, and most values here are structs, arrays and optionals.
        switch ObjectIdentifier(T.self) {
        case ObjectIdentifier(String.self): string(value as! String)
        case ObjectIdentifier(Bool.self): raw(value as! Bool ? "true" : "false")
        case ObjectIdentifier(Int.self): integer(value as! Int)
        case ObjectIdentifier(Int64.self): integer(value as! Int64)
        case ObjectIdentifier(Int32.self): integer(value as! Int32)
        case ObjectIdentifier(Int16.self): integer(value as! Int16)
        case ObjectIdentifier(Int8.self): integer(value as! Int8)
        case ObjectIdentifier(UInt.self): integer(value as! UInt)
        case ObjectIdentifier(UInt64.self): integer(value as! UInt64)
        case ObjectIdentifier(UInt32.self): integer(value as! UInt32)
        case ObjectIdentifier(UInt16.self): integer(value as! UInt16)
        case ObjectIdentifier(UInt8.self): integer(value as! UInt8)
        case ObjectIdentifier(Double.self), ObjectIdentifier(Float.self), ObjectIdentifier(Date.self), ObjectIdentifier(Data.self),
             ObjectIdentifier(URL.self), ObjectIdentifier(Decimal.self):
            throw StreamingJSONEncoder.Unsupported()
        default:
            awaitingValue = true
            try value.encode(to: ValueEncoder(output: self, depth: depth))
            // A value that opened no container and wrote nothing is an empty object, as `JSONEncoder` has it.
            if awaitingValue { raw("{}") }
        }
    }

    func integer(_ value: some BinaryInteger) { raw(String(value)) }
}

private struct ValueEncoder: Encoder {
    let output: Output
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        output.openContainer(.object, depth: depth)
        return KeyedEncodingContainer(ObjectContainer(output: output, depth: depth))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        output.openContainer(.array, depth: depth)
        return ArrayContainer(output: output, depth: depth)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValue(output: output, depth: depth)
    }
}

private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let output: Output
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        output.member(key.stringValue, in: depth)
        output.raw("null")
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        output.member(key.stringValue, in: depth)
        output.raw(value ? "true" : "false")
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        output.member(key.stringValue, in: depth)
        output.string(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        output.member(key.stringValue, in: depth)
        output.integer(value)
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        output.member(key.stringValue, in: depth)
        output.integer(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws { throw StreamingJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw StreamingJSONEncoder.Unsupported() }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        output.member(key.stringValue, in: depth)
        try output.value(value, depth: depth + 1)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        output.member(key.stringValue, in: depth)
        return ValueEncoder(output: output, depth: depth + 1).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        output.member(key.stringValue, in: depth)
        return ValueEncoder(output: output, depth: depth + 1).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        output.member("super", in: depth)
        return ValueEncoder(output: output, depth: depth + 1)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        output.member(key.stringValue, in: depth)
        return ValueEncoder(output: output, depth: depth + 1)
    }
}

private struct ArrayContainer: UnkeyedEncodingContainer {
    let output: Output
    let depth: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(output: Output, depth: Int) {
        self.output = output
        self.depth = depth
    }

    mutating func encodeNil() throws {
        begin()
        output.raw("null")
    }

    mutating func encode(_ value: String) throws {
        begin()
        output.string(value)
    }

    mutating func encode(_ value: Double) throws { throw StreamingJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw StreamingJSONEncoder.Unsupported() }

    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try output.value(value, depth: depth + 1)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        begin()
        return ValueEncoder(output: output, depth: depth + 1).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        begin()
        return ValueEncoder(output: output, depth: depth + 1).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        begin()
        return ValueEncoder(output: output, depth: depth + 1)
    }

    private mutating func begin() {
        output.member(nil, in: depth)
        count += 1
    }
}

private struct SingleValue: SingleValueEncodingContainer {
    let output: Output
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { output.raw("null") }
    mutating func encode(_ value: Bool) throws { output.raw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { output.string(value) }
    mutating func encode(_ value: Int) throws { output.integer(value) }
    mutating func encode(_ value: Double) throws { throw StreamingJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw StreamingJSONEncoder.Unsupported() }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try output.value(value, depth: depth)
    }
}

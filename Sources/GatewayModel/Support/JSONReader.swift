/// A strict, single-pass reader of JSON text (RFC 8259) for the records read on the hot path.
/// The caller pulls values in the order they stand, objects member by member, so nothing is
/// built that it does not ask for: no tree, no boxes, no dictionaries of members.
///
/// Errors carry the path to the value at fault, never the value itself.
package struct JSONReader {
    /// How deeply arrays and objects may nest, as `JSONDecoder` allows.
    package static let maxDepth = 512

    /// The UTF-8 byte-order mark some writers put before JSON text; it is not part of the text.
    package static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads `bytes` as one JSON document: `body` reads its one value, and nothing but
    /// white space may follow it. A UTF-8 byte-order mark before it is passed over.
    package static func read<T>(_ bytes: [UInt8], _ body: (inout JSONReader) throws(JSONReadError) -> T) throws(JSONReadError) -> T {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONReadError) -> T in
            var reader = JSONReader(buffer)
            if buffer.starts(with: byteOrderMark) { reader.index = byteOrderMark.count }
            let value = try body(&reader)
            reader.skipWhitespace()
            guard reader.index == buffer.count else { throw JSONReadError(.syntax) }
            return value
        }
    }

    /// What kind of value comes next, without reading it; nil at the end or before a byte no value starts with.
    package mutating func peek() -> JSONValueKind? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return nil
        }
    }

    /// Reads a `null` if one comes next.
    package mutating func readNull() throws(JSONReadError) -> Bool {
        guard peek() == .null else { return false }
        try expectLiteral("null")
        return true
    }

    // MARK: Values of one kind

    package mutating func string() throws(JSONReadError) -> String {
        try expect(.string, "a string")
        return try readString()
    }

    package mutating func optionalString() throws(JSONReadError) -> String? {
        try readNull() ? nil : string()
    }

    package mutating func bool() throws(JSONReadError) -> Bool {
        try expect(.bool, "true or false")
        if bytes[index] == UInt8(ascii: "t") {
            try expectLiteral("true")
            return true
        }
        try expectLiteral("false")
        return false
    }

    package mutating func optionalBool() throws(JSONReadError) -> Bool? {
        try readNull() ? nil : bool()
    }

    /// A whole number. A number with a fraction or an exponent is read when it is whole
    /// (`3.0`, `1e2`); any other, or one out of range, is outside the contract.
    package mutating func integer() throws(JSONReadError) -> Int {
        try expect(.number, "a number")
        let token = try numberToken()
        if !token.isDecimal, let value = Self.integer(token.range, in: bytes) { return value }
        guard let double = Double(text(token.range)), let value = Int(exactly: double) else { throw JSONReadError(.outsideContract) }
        return value
    }

    package mutating func optionalInteger() throws(JSONReadError) -> Int? {
        try readNull() ? nil : integer()
    }

    /// The text of the number that comes next, as written.
    package mutating func numberText() throws(JSONReadError) -> String {
        try expect(.number, "a number")
        return text(try numberToken().range)
    }

    /// An array, each element read by `element`.
    package mutating func array<Element>(_ element: (inout JSONReader) throws(JSONReadError) -> Element) throws(JSONReadError) -> [Element] {
        try expect(.array, "an array")
        try enter()
        index += 1
        var elements: [Element] = []
        if try close(UInt8(ascii: "]")) { return elements }
        while true {
            do {
                elements.append(try element(&self))
            } catch {
                throw error.within(.index(elements.count))
            }
            if try close(UInt8(ascii: "]")) { return elements }
            try consume(UInt8(ascii: ","))
        }
    }

    package mutating func optionalArray<Element>(_ element: (inout JSONReader) throws(JSONReadError) -> Element) throws(JSONReadError) -> [Element]? {
        try readNull() ? nil : array(element)
    }

    /// An object: `member` is called with each key in the order written and must read its
    /// value (or `skip` it). A key written twice is read twice.
    package mutating func object(_ member: (String, inout JSONReader) throws(JSONReadError) -> Void) throws(JSONReadError) {
        try expect(.object, "an object")
        try enter()
        index += 1
        if try close(UInt8(ascii: "}")) { return }
        while true {
            guard peek() == .string else { throw JSONReadError(.syntax) }
            let key = try readString()
            try consume(UInt8(ascii: ":"))
            do {
                try member(key, &self)
            } catch {
                throw error.within(.key(key))
            }
            if try close(UInt8(ascii: "}")) { return }
            try consume(UInt8(ascii: ","))
        }
    }

    /// Any value, whole.
    package mutating func value() throws(JSONReadError) -> JSONValue {
        switch peek() {
        case .null:
            try expectLiteral("null")
            return .null
        case .bool: return .bool(try bool())
        case .string: return .string(try readString())
        case .number:
            let token = try numberToken()
            if !token.isDecimal, let value = Self.integer(token.range, in: bytes) { return .integer(Int64(value)) }
            // A number too large for a double (`1e999`) is refused, not read as infinity, which no JSON can carry on.
            guard let value = Double(text(token.range)), value.isFinite else { throw JSONReadError(.outsideContract) }
            // Whole numbers written with a fraction or an exponent (`3.0`, `1e2`) are whole, as `JSONValue` decodes them.
            if let whole = Int64(exactly: value) { return .integer(whole) }
            return .number(value)
        case .array: return .array(try array { reader throws(JSONReadError) in try reader.value() })
        case .object:
            var members: [String: JSONValue] = [:]
            try object { key, reader throws(JSONReadError) in members[key] = try reader.value() }
            return .object(members)
        case nil: throw JSONReadError(.syntax)
        }
    }

    /// Reads past the next value, checking only that it is well formed.
    package mutating func skip() throws(JSONReadError) {
        switch peek() {
        case .null: try expectLiteral("null")
        case .bool: _ = try bool()
        case .number: _ = try numberToken()
        case .string: try skipString()
        case .array: _ = try array { reader throws(JSONReadError) in try reader.skip() }
        case .object: try object { _, reader throws(JSONReadError) in try reader.skip() }
        case nil: throw JSONReadError(.syntax)
        }
    }

    // MARK: Structure

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Checks that a value of `kind` comes next: a null is reported as one, any other kind as a mismatch.
    private mutating func expect(_ kind: JSONValueKind, _ expected: String) throws(JSONReadError) {
        switch peek() {
        case kind: return
        case .null: throw JSONReadError(.null)
        case nil: throw JSONReadError(.syntax)
        default: throw JSONReadError(.mismatch(expected: expected))
        }
    }

    private mutating func enter() throws(JSONReadError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONReadError(.tooDeep) }
    }

    /// Consumes `closing` and leaves the array or object if it comes next.
    private mutating func close(_ closing: UInt8) throws(JSONReadError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw JSONReadError(.syntax) }
        guard bytes[index] == closing else { return false }
        index += 1
        depth -= 1
        return true
    }

    private mutating func consume(_ byte: UInt8) throws(JSONReadError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw JSONReadError(.syntax) }
        index += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONReadError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw JSONReadError(.syntax) }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw JSONReadError(.syntax)
        }
        index += count
    }

    // MARK: Numbers

    private struct NumberToken {
        var range: Range<Int>
        /// Written with a fraction or an exponent.
        var isDecimal: Bool
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func numberToken() throws(JSONReadError) -> NumberToken {
        let start = index
        var isDecimal = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONReadError(.syntax) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isDecimal = true
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONReadError(.syntax) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isDecimal = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONReadError(.syntax) }
            skipDigits()
        }
        return NumberToken(range: start..<index, isDecimal: isDecimal)
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The integer written in `range` (digits after an optional minus), nil when it overflows.
    private static func integer(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = range.lowerBound
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value = 0
        while position < range.upperBound {
            let digit = Int(bytes[position] &- UInt8(ascii: "0"))
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowShift, !overflowAdd else { return nil }
            value = next
            position += 1
        }
        return value
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// The kinds of JSON value.
package enum JSONValueKind: Sendable {
    case object, array, string, number, bool, null
}

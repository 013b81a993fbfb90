/// Strings: read with their escapes resolved and their UTF-8 checked, or passed over.
extension JSONReader {
    /// Reads the string at `index` (its opening quote), unescaping it and checking its UTF-8.
    mutating func readString() throws(JSONReadError) -> String {
        index += 1
        let start = index
        var plain = true
        var ascii = true
        while true {
            guard index < bytes.count else { throw JSONReadError(.syntax) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 2
                continue
            }
            if byte < 0x20 { throw JSONReadError(.syntax) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        let end = index
        index += 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if plain {
            if ascii { return String(decoding: raw, as: UTF8.self) }
            guard let text = String(validating: raw, as: UTF8.self) else { throw JSONReadError(.syntax) }
            return text
        }
        guard let text = String(validating: try Self.unescape(raw), as: UTF8.self) else { throw JSONReadError(.syntax) }
        return text
    }

    mutating func skipString() throws(JSONReadError) {
        index += 1
        while true {
            guard index < bytes.count else { throw JSONReadError(.syntax) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw JSONReadError(.syntax) }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        index += 1
    }

    /// The bytes `raw` stands for, its escapes resolved; a `\u` escape of a lone surrogate is refused.
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var position = 0
        func hex4() throws(JSONReadError) -> UInt32 {
            guard raw.count - position >= 4 else { throw JSONReadError(.syntax) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = raw[position]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw JSONReadError(.syntax)
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }
        while position < raw.count {
            let byte = raw[position]
            position += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard position < raw.count else { throw JSONReadError(.syntax) }
            let escape = raw[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard raw.count - position >= 6, raw[position] == UInt8(ascii: "\\"), raw[position + 1] == UInt8(ascii: "u") else {
                        throw JSONReadError(.syntax)
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw JSONReadError(.syntax) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw JSONReadError(.syntax) }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw JSONReadError(.syntax)
            }
        }
        return output
    }
}

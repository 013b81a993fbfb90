import Foundation
import Synchronization

/// Masks secrets and citizens' personal data before text reaches a log, an error or a dead letter.
///
/// One pass over the UTF-8 bytes, no regular expressions:
/// - the value of every JSON member whose name is sensitive (compared without case and without
///   `_`, `-` and `.`, by exact name or by ending) becomes `"***"`, whatever its type;
/// - in any text, runs of 9 to 12 digits (CMND, phone and CCCD numbers, single spaces, dots or
///   dashes allowed between groups) keep only their last three digits;
/// - `Bearer …` and `Basic …` credentials, and `name=value` pairs with a sensitive name (queries,
///   forms), are masked.
public enum Redaction {
    /// Normalised names that are sensitive wherever they appear.
    static let sensitiveNames: Set<[UInt8]> = Set([
        "session", "authorization", "cookie", "user", "credentials", "cccd", "cmnd", "nguoiyeucau", "idqg",
    ].map { Array($0.utf8) })

    /// Normalised endings that make a name sensitive: `meHoTen`, `chaSoDinhDanh`, `accessToken`, `client_secret`.
    static let sensitiveEndings: [[UInt8]] = [
        "password", "matkhau", "token", "secret", "apikey", "hoten", "fullname", "dinhdanh",
        "chungminh", "identitynumber", "diachi", "address", "dienthoai", "phone", "email", "ngaysinh", "noisinh",
    ].map { Array($0.utf8) }

    /// Names one national system's wire format uses for personal data, matched like endings.
    private static let systemEndings = Mutex<[[UInt8]]>([])

    /// Adds the names a national system declares sensitive (`ChuHoSo`, `DiaChiTaiSan`): from then
    /// on a member whose name is one of them, or ends with one, is masked like the shared names.
    /// The registry of national systems calls this once for each system it lists.
    public static func register(sensitiveNames names: some Sequence<String>) {
        let normalised = names.map { normalise(Array($0.utf8)) ?? [] }.filter { !$0.isEmpty }
        systemEndings.withLock { endings in
            for name in normalised where !endings.contains(name) { endings.append(name) }
        }
    }

    static let placeholder = Array("***".utf8)

    /// `text` with secrets and personal data masked.
    public static func mask(_ text: String) -> String {
        var text = text
        return text.withUTF8 { String(decoding: mask(bytes: $0), as: UTF8.self) }
    }

    /// `text` masked, and every occurrence of the given personal texts (the names, addresses and
    /// numbers an event carries) replaced too, for text that may echo them (`Ngô Văn B không hợp lệ`).
    public static func mask(_ text: String, hiding personal: [String]) -> String {
        var masked = mask(text)
        for value in personal where value.count >= 3 && masked.contains(value) {
            masked = masked.replacingOccurrences(of: value, with: "***")
        }
        return masked
    }

    /// At most `limit` characters (the last an ellipsis when cut) of a masked answer body, for dead letters and logs. The body is
    /// masked before it is cut, and a value cut off at the end of what is read is masked whole.
    public static func excerpt(_ body: [UInt8], limit: Int = 512) -> String {
        let read = min(body.count, limit * 4)
        let masked = body.withUnsafeBufferPointer { mask(bytes: UnsafeBufferPointer(rebasing: $0[..<read])) }
        let text = String(decoding: masked, as: UTF8.self)
        guard text.count > limit || read < body.count else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }

    /// A URL without user information, query or fragment: `https://u:p@host/a?token=x` → `https://host/a`.
    public static func url(_ url: String) -> String {
        var rest = Substring(url)
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        guard let scheme = rest.range(of: "://") else { return String(rest) }
        let authorityStart = scheme.upperBound
        let authorityEnd = rest[authorityStart...].firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[authorityStart..<authorityEnd].lastIndex(of: "@") {
            return String(rest[..<authorityStart]) + String(rest[rest.index(after: at)...])
        }
        return String(rest)
    }

    /// A system's answer code as recorded: 1 to 32 of `A-Z a-z 0-9 . _ -`, otherwise `<non-code>`,
    /// so that a body field used as a code cannot carry free text into records.
    public static func answerCode(_ code: String) -> String {
        let bytes = code.utf8
        guard (1...32).contains(bytes.count), bytes.allSatisfy({ isIdentifierByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            return "<non-code>"
        }
        return code
    }

    /// A person's name reduced to initials: `Nguyễn Văn An` → `N. V. A.`.
    public static func maskName(_ name: String) -> String {
        name.split(separator: " ").compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
    }

    /// Whether a JSON member or form field name is sensitive. A name with an escape in it is
    /// treated as sensitive: it cannot be judged without decoding.
    static func isSensitiveName(_ name: some Collection<UInt8>) -> Bool {
        guard let normalised = normalise(name) else { return true }
        if sensitiveNames.contains(normalised) { return true }
        let ends = { (ending: [UInt8]) in
            normalised.count >= ending.count && normalised[(normalised.count - ending.count)...].elementsEqual(ending)
        }
        return sensitiveEndings.contains(where: ends) || systemEndings.withLock { $0.contains(where: ends) }
    }

    /// Lower case, without `_`, `-` and `.`; nil when the name holds an escape.
    private static func normalise(_ name: some Collection<UInt8>) -> [UInt8]? {
        var normalised: [UInt8] = []
        normalised.reserveCapacity(name.count)
        for byte in name {
            switch byte {
            case UInt8(ascii: "\\"): return nil
            case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): normalised.append(byte | 0x20)
            default: normalised.append(byte)
            }
        }
        return normalised
    }

    static func mask(bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var masker = Masker(input: bytes)
        masker.run()
        return masker.output
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}

/// The single pass behind `Redaction`.
private struct Masker {
    let input: UnsafeBufferPointer<UInt8>
    var output: [UInt8] = []
    /// Where in `output` the current digit run starts, and how many digits it has.
    private var runStart = 0
    private var runDigits = 0
    /// Where in `output` the current word (letters, digits, `_`, `-`, `.`) starts, if the last byte was in one.
    private var wordStart: Int?

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        output.reserveCapacity(input.count + 16)
    }

    mutating func run() {
        var index = 0
        while index < input.count {
            if input[index] == Self.quote {
                index = string(at: index)
            } else {
                index = text(at: index, end: input.count, inString: false)
            }
        }
        endDigitRun()
    }

    /// A JSON string at `start`: a sensitive member's name masks its value; any other string is
    /// copied as text.
    private mutating func string(at start: Int) -> Int {
        endDigitRun()
        wordStart = nil
        let (end, closed) = stringEnd(from: start)
        let contentEnd = closed ? end - 1 : end
        let colon = skipSpaces(from: end)
        if closed, colon < input.count, input[colon] == UInt8(ascii: ":"),
           Redaction.isSensitiveName(UnsafeBufferPointer(rebasing: input[(start + 1)..<contentEnd])) {
            output.append(contentsOf: input[start...colon])
            output.append(Self.quote)
            output.append(contentsOf: Redaction.placeholder)
            output.append(Self.quote)
            return valueEnd(from: skipSpaces(from: colon + 1))
        }
        output.append(Self.quote)
        var index = start + 1
        while index < contentEnd { index = text(at: index, end: contentEnd, inString: true) }
        endDigitRun()
        wordStart = nil
        if closed { output.append(Self.quote) }
        return end
    }

    /// One byte of text, or a masked span starting there; returns where to go on.
    private mutating func text(at index: Int, end: Int, inString: Bool) -> Int {
        let byte = input[index]
        if inString, byte == Self.backslash {
            endDigitRun()
            wordStart = nil
            output.append(contentsOf: input[index..<min(index + 2, end)])
            return min(index + 2, end)
        }
        if Self.isDigit(byte) {
            if runDigits == 0 { runStart = output.count }
            runDigits += 1
            if wordStart == nil { wordStart = output.count }
            output.append(byte)
            return index + 1
        }
        if runDigits > 0, byte == UInt8(ascii: " ") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-"), index + 1 < end, Self.isDigit(input[index + 1]) {
            output.append(byte)
            return index + 1
        }
        endDigitRun()
        if Redaction.isIdentifierByte(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") {
            if wordStart == nil { wordStart = output.count }
            output.append(byte)
            return index + 1
        }
        let word = wordStart
        wordStart = nil
        if byte == UInt8(ascii: "="), let word, Redaction.isSensitiveName(output[word...]) {
            output.append(byte)
            output.append(contentsOf: Redaction.placeholder)
            return skipFormValue(from: index + 1, end: end)
        }
        if byte == UInt8(ascii: " "), let word, Self.isCredentialScheme(output[word...]) {
            output.append(byte)
            var next = index + 1
            while next < end, input[next] == UInt8(ascii: " ") { next += 1 }
            let tokenStart = next
            while next < end, Self.isTokenByte(input[next]) { next += 1 }
            if next > tokenStart { output.append(contentsOf: Redaction.placeholder) }
            return next
        }
        output.append(byte)
        return index + 1
    }

    /// Stars all but the last three digits of a run of 9 to 12.
    private mutating func endDigitRun() {
        defer { runDigits = 0 }
        guard (9...12).contains(runDigits) else { return }
        var toStar = runDigits - 3
        var position = runStart
        while toStar > 0, position < output.count {
            if Self.isDigit(output[position]) {
                output[position] = UInt8(ascii: "*")
                toStar -= 1
            }
            position += 1
        }
    }

    private func stringEnd(from start: Int) -> (end: Int, closed: Bool) {
        var index = start + 1
        while index < input.count {
            switch input[index] {
            case Self.backslash: index += 2
            case Self.quote: return (index + 1, true)
            default: index += 1
            }
        }
        return (input.count, false)
    }

    /// The end of the JSON value at `start`: a string, a balanced object or array, or a scalar.
    /// A value cut off by the end of input runs to the end.
    private func valueEnd(from start: Int) -> Int {
        guard start < input.count else { return input.count }
        switch input[start] {
        case Self.quote:
            return stringEnd(from: start).end
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < input.count {
                switch input[index] {
                case Self.quote:
                    index = stringEnd(from: index).end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return input.count
        default:
            var index = start
            while index < input.count {
                switch input[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    return index
                default:
                    index += 1
                }
            }
            return input.count
        }
    }

    private func skipFormValue(from start: Int, end: Int) -> Int {
        var index = start
        while index < end {
            switch input[index] {
            case UInt8(ascii: "&"), UInt8(ascii: " "), Self.quote, UInt8(ascii: "'"), UInt8(ascii: ";"), UInt8(ascii: ","),
                 UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "}"), UInt8(ascii: "]"):
                return index
            case Self.backslash:
                index += 2
            default:
                index += 1
            }
        }
        return min(index, end)
    }

    private func skipSpaces(from start: Int) -> Int {
        var index = start
        while index < input.count, input[index] == UInt8(ascii: " ") || input[index] == UInt8(ascii: "\n") || input[index] == UInt8(ascii: "\r") || input[index] == UInt8(ascii: "\t") {
            index += 1
        }
        return index
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        Redaction.isIdentifierByte(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    private static func isCredentialScheme(_ word: ArraySlice<UInt8>) -> Bool {
        let lowered = word.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        return lowered.elementsEqual("bearer".utf8) || lowered.elementsEqual("basic".utf8)
    }
}

import Foundation

/// Helpers adapters share to turn an HTTP exchange into an `OperationAnswer`.
public enum AnswerReading {
    /// Reads `field` (or a dotted path, `status.code`) of a JSON object body as text, whether the
    /// system sent a string or a number. To read several fields, parse once with `AnswerBody`.
    public static func text(_ field: String, in body: [UInt8]) -> String? {
        AnswerBody(body).text(field)
    }

    /// `Retry-After` given in whole seconds (the form the national systems use), clamped to a day.
    /// Anything else (a date, a fraction, `inf`, a number too large for any integer) is ignored,
    /// so that no answer can trap the process; the retry policy caps the wait further.
    public static func retryAfter(_ response: InboundResponse) -> Duration? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces), !value.isEmpty,
              value.utf8.count <= 12, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let seconds = Int(value)
        else { return nil }
        return .seconds(min(seconds, 86_400))
    }

    /// The answer for a call that never got an HTTP answer: always worth retrying.
    public static func transportFailure(_ error: TransportError, method: String = "POST", url: String) -> OperationAnswer {
        if error.kind == .invalidRequest {
            return OperationAnswer(verdict: .permanent, excerpt: Redaction.mask(error.detail), method: method, url: url, errorClass: .transport(error.kind), scope: .local)
        }
        return OperationAnswer(verdict: .retryable, excerpt: Redaction.mask(error.detail), method: method, url: url, errorClass: .transport(error.kind))
    }

    /// The error class recorded for an answer: `http-<status>` unless the body said more.
    public static func errorClass(status: Int, verdict: Verdict) -> ErrorClass? {
        switch verdict {
        case .delivered, .duplicate: return nil
        case .reauthenticate: return .authentication
        case .retryable, .permanent: return .http(status)
        }
    }
}

/// An answer body parsed once, then read field by field.
public struct AnswerBody {
    private let value: JSONValue?
    /// The body's own text when it is not JSON (some systems answer `Cập nhật thành công` bare).
    public let plainText: String?

    /// Parses `body`; a body that is not JSON reads as having no fields, and as its text when
    /// that is short enough to be a message.
    public init(_ body: [UInt8]) {
        value = try? JSONReader.read(body) { reader throws(JSONReadError) in try reader.value() }
        if value == nil, body.count <= 2048 {
            let mark = JSONReader.byteOrderMark
            let text = String(decoding: body.starts(with: mark) ? body.dropFirst(mark.count) : body[...], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            plainText = text.isEmpty ? nil : text
        } else if case .string(let string)? = value {
            plainText = string
        } else {
            plainText = nil
        }
    }

    /// The text at a dotted path (`status.code`), whether the system sent a string, a number or true or false.
    public func text(_ path: String) -> String? {
        guard var current = value else { return nil }
        for key in path.split(separator: ".") {
            guard let next = current[String(key)] else { return nil }
            current = next
        }
        if case .bool(let flag) = current { return flag ? "true" : "false" }
        return current.text
    }
}

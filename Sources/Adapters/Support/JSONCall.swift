import Foundation
import GatewayModel

/// One JSON request to a national system, classified by its table.
public struct JSONCall: Sendable {
    /// Where a system puts its answer code and message in the body.
    public struct AnswerFields: Sendable {
        public var code: [String]
        public var message: [String]

        public init(code: [String], message: [String]) {
            self.code = code
            self.message = message
        }

        /// Only the HTTP status counts.
        public static let none = AnswerFields(code: [], message: [])
    }

    public let transport: any HTTPTransport
    public let classification: ClassificationTable
    public let fields: AnswerFields
    public let timeout: Duration
    /// Sent with every call: the deployment's `connection.headers`.
    public let headers: [(name: String, value: String)]
    /// The answer fields the table's rules test besides code and message.
    private let conditionPaths: [String]

    public init(transport: any HTTPTransport, classification: ClassificationTable, fields: AnswerFields, timeout: Duration, headers: [(name: String, value: String)] = []) {
        self.transport = transport
        self.classification = classification
        self.headers = headers
        self.conditionPaths = classification.fieldPaths
        self.fields = fields
        self.timeout = timeout
    }

    /// Sends `body` as JSON with the idempotency key and any other headers, then classifies the answer.
    /// - Parameters:
    ///   - body: the request body, written by `StreamingJSONEncoder`.
    ///   - url: the full URL of the operation.
    ///   - operation: the operation's name, looked up in the classification table.
    ///   - idempotencyKey: sent as `Idempotency-Key` when given.
    ///   - headers: any others for this call (`Authorization`).
    /// - Returns: the classified answer; a transport failure or an encoding failure is an answer too.
    public func post(_ body: some Encodable, to url: String, operation: String, idempotencyKey: String?, headers: [(name: String, value: String)] = []) async -> OperationAnswer {
        let encoded: [UInt8]
        do {
            encoded = try StreamingJSONEncoder.encode(body)
        } catch {
            return OperationAnswer(verdict: .permanent, excerpt: "request could not be encoded", url: url, errorClass: .encoding, scope: .local)
        }
        return await send(encoded, contentType: "application/json", to: url, operation: operation, idempotencyKey: idempotencyKey, headers: headers)
    }

    /// Sends `fields` form-urlencoded (`application/x-www-form-urlencoded`), then classifies the answer.
    public func postForm(_ fields: [(name: String, value: String)], to url: String, operation: String, idempotencyKey: String?, headers: [(name: String, value: String)] = []) async -> OperationAnswer {
        let encoded = Array(FormEncoding.encode(fields).utf8)
        return await send(encoded, contentType: "application/x-www-form-urlencoded", to: url, operation: operation, idempotencyKey: idempotencyKey, headers: headers)
    }

    private func send(_ encoded: [UInt8], contentType: String, to url: String, operation: String, idempotencyKey: String?, headers: [(name: String, value: String)]) async -> OperationAnswer {
        var all: [(name: String, value: String)] = [("Content-Type", contentType)]
        if let idempotencyKey { all.append(("Idempotency-Key", idempotencyKey)) }
        all += self.headers
        all += headers
        let request = OutboundRequest(url: url, headers: all, body: encoded, timeout: timeout)
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return AnswerReading.transportFailure(error, url: url)
        }
        return classify(response, operation: operation, url: url)
    }

    public func classify(_ response: InboundResponse, operation: String, url: String) -> OperationAnswer {
        // The body is parsed once, however many fields are looked up.
        let paths = conditionPaths
        let body = fields.code.isEmpty && fields.message.isEmpty && paths.isEmpty ? nil : AnswerBody(response.body)
        let code = body.flatMap { body in fields.code.lazy.compactMap { body.text($0) }.first { !$0.isEmpty } }
        let message = body.flatMap { body in fields.message.lazy.compactMap { body.text($0) }.first { !$0.isEmpty } ?? body.plainText }
        var conditions: [String: String] = [:]
        if let body { for path in paths { conditions[path] = body.text(path) } }
        let judgement = classification.judge(status: response.status, code: code, message: message, fields: conditions, operation: operation)
        let verdict = judgement.verdict
        return OperationAnswer(
            verdict: verdict,
            httpStatus: response.status,
            code: code,
            // Only a failure's excerpt is ever read (dead letters, logs): success costs no masking.
            excerpt: verdict == .delivered || verdict == .duplicate ? "" : Redaction.excerpt(response.body),
            retryAfter: AnswerReading.retryAfter(response),
            url: url,
            errorClass: verdict == .delivered || verdict == .duplicate ? nil : judgement.rule?.errorClass ?? AnswerReading.errorClass(status: response.status, verdict: verdict)
        )
    }
}

/// Text that a system wants as a JSON string inside the JSON body (`ketQuaXuLy`, `User`, `data`).
public enum EmbeddedJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func string(_ value: some Encodable) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// `application/x-www-form-urlencoded` and query strings, as browsers and `URLComponents` write them.
public enum FormEncoding {
    private static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~")
        return set
    }()

    public static func encode(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

/// A field a system wants present in the body even without a value: encoded as `null`, where a
/// plain optional would leave the key out.
public enum Nullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    case some(Wrapped)
    case null

    public init(_ value: Wrapped?) {
        self = value.map(Nullable.some) ?? .null
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .some(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

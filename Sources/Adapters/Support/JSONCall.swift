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

    /// Shared: a configured encoder is safe to use from many tasks at once.
    private static let encoder = JSONEncoder()

    public let transport: any HTTPTransport
    public let classification: ClassificationTable
    public let fields: AnswerFields
    public let timeout: Duration

    public init(transport: any HTTPTransport, classification: ClassificationTable, fields: AnswerFields, timeout: Duration) {
        self.transport = transport
        self.classification = classification
        self.fields = fields
        self.timeout = timeout
    }

    /// Sends `body` as JSON with the idempotency key and any other headers, then classifies the answer.
    /// - Parameters:
    ///   - body: the request body, encoded with the shared encoder.
    ///   - url: the full URL of the operation.
    ///   - operation: the operation's name, looked up in the classification table.
    ///   - idempotencyKey: sent as `Idempotency-Key` when given.
    ///   - headers: any others (`Authorization`).
    /// - Returns: the classified answer; a transport failure or an encoding failure is an answer too.
    public func post(_ body: some Encodable, to url: String, operation: String, idempotencyKey: String?, headers: [(name: String, value: String)] = []) async -> OperationAnswer {
        let encoded: [UInt8]
        do {
            encoded = Array(try Self.encoder.encode(body))
        } catch {
            return OperationAnswer(verdict: .permanent, excerpt: "request could not be encoded", url: url, errorClass: .encoding, scope: .local)
        }
        var all: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let idempotencyKey { all.append(("Idempotency-Key", idempotencyKey)) }
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
        let body = fields.code.isEmpty && fields.message.isEmpty ? nil : AnswerBody(response.body)
        let code = body.flatMap { body in fields.code.lazy.compactMap { body.text($0) }.first { !$0.isEmpty } }
        let message = body.flatMap { body in fields.message.lazy.compactMap { body.text($0) }.first { !$0.isEmpty } }
        let verdict = classification.classify(status: response.status, code: code, message: message, operation: operation)
        return OperationAnswer(
            verdict: verdict,
            httpStatus: response.status,
            code: code,
            // Only a failure's excerpt is ever read (dead letters, logs): success costs no masking.
            excerpt: verdict == .delivered || verdict == .duplicate ? "" : Redaction.excerpt(response.body),
            retryAfter: AnswerReading.retryAfter(response),
            url: url,
            errorClass: AnswerReading.errorClass(status: response.status, verdict: verdict)
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

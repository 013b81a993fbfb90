import Foundation
import GatewayModel

/// One line of `gateway contracts verify`: an operation checked against a live endpoint.
public struct ConformanceCheck: Sendable {
    public enum Result: String, Sendable {
        case passed, failed, skipped
    }

    public var operation: String
    public var result: Result
    public var detail: String

    public init(_ operation: String, _ result: Result, _ detail: String) {
        self.operation = operation
        self.result = result
        self.detail = detail
    }

    public static func passed(_ operation: String, _ detail: String) -> ConformanceCheck { .init(operation, .passed, detail) }
    public static func failed(_ operation: String, _ detail: String) -> ConformanceCheck { .init(operation, .failed, detail) }
    public static func skipped(_ operation: String, _ detail: String) -> ConformanceCheck { .init(operation, .skipped, detail) }
}

extension ConformanceCheck {
    /// Checks that `response` is `status` and its JSON body has every field of `fields` (dotted paths).
    public static func expect(_ operation: String, _ response: InboundResponse, status: Int = 200, fields: [String]) -> ConformanceCheck {
        guard response.status == status else {
            return .failed(operation, "answered HTTP \(response.status), expected \(status): \(Redaction.excerpt(response.body))")
        }
        let missing = fields.filter { field in
            guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else { return true }
            var value: Any? = object
            for key in field.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
            return value == nil
        }
        guard missing.isEmpty else { return .failed(operation, "answer lacks \(missing.joined(separator: ", "))") }
        return .passed(operation, "HTTP \(status) with \(fields.joined(separator: ", "))")
    }

    /// Sends `request`; a transport failure becomes a failed check.
    public static func call(_ operation: String, _ request: OutboundRequest, on transport: any HTTPTransport, status: Int = 200, fields: [String]) async -> ConformanceCheck {
        do {
            return expect(operation, try await transport.send(request), status: status, fields: fields)
        } catch {
            return .failed(operation, "no answer: \(error)")
        }
    }
}

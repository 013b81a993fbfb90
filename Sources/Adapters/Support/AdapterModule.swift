import Foundation
import GatewayCore
import Logging

/// What the runtime hands an adapter module when it builds its adapter.
public struct AdapterContext: Sendable {
    public let transport: any HTTPTransport
    /// The system's classification table, read from `Contracts/<target>/classification.json`.
    public let classification: ClassificationTable
    /// Where secrets named `{"env": …}` are looked up.
    public let environment: [String: String]
    public let logger: Logger

    public init(transport: any HTTPTransport, classification: ClassificationTable, environment: [String: String], logger: Logger) {
        self.transport = transport
        self.classification = classification
        self.environment = environment
        self.logger = logger
    }
}

/// A national system as the runtime sees it: a name, default connection settings and
/// a way to build its adapter. Adding a system means adding one type conforming to this.
public protocol AdapterModule {
    static var target: TargetName { get }
    /// Operations in the order a dossier's life usually calls them.
    static var operations: [String] { get }
    /// The `connection` object used when configuration leaves keys out. Where the system is
    /// (`baseURL`) and who the province is there (accounts, site and unit codes) are never
    /// defaults: a deployment names them, so nothing falls back to a mock by accident.
    static var defaultConnection: JSONValue { get }
    static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter
    /// Checks a live endpoint answers as the contract says, using only calls that change nothing there.
    static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck]
}

extension AdapterModule {
    /// Decodes the connection settings, naming the target in the error.
    public static func decodeConnection<Settings: Decodable>(_ type: Settings.Type, from connection: JSONValue) throws -> Settings {
        do {
            return try connection.decode(Settings.self)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw ConfigurationError("targets.\(target).connection.\(path) is required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            throw ConfigurationError("targets.\(target).connection.\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw ConfigurationError("targets.\(target).connection: \(error)")
        }
    }
}

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

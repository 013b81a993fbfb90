import Foundation
import GatewayModel
import Logging

/// What the runtime hands a national system when it builds its adapter.
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

/// Everything the runtime knows about one national system: its name, its operations, the
/// events it is sent by default, the field names of its wire format that carry personal data,
/// its connection defaults, and how to build and check its adapter.
///
/// A system is one type conforming to this, listed once in `AdapterRegistry`. The runtime,
/// the configuration, masking and `gateway contracts verify` learn about it from here and
/// never name it.
public protocol NationalSystem: Sendable {
    static var target: TargetName { get }
    /// Operations in the order a dossier's life usually calls them.
    static var operations: [String] { get }
    /// The rules that route events to this system when configuration gives no `routes`.
    static var defaultRoutes: [RouteRule] { get }
    /// Names in this system's requests and answers whose values are personal data or secrets
    /// (`ChuHoSo`, `DiaChiTaiSan`), masked wherever text leaves the process. Names every system
    /// shares (`hoTen`, `password`, `…DiaChi`) are masked already.
    static var sensitiveFields: [String] { get }
    /// The `connection` object used when configuration leaves keys out. Where the system is
    /// (`baseURL`) and who the province is there (accounts, site and unit codes) are never
    /// defaults: a deployment names them, so nothing falls back to a mock by accident.
    static var defaultConnection: JSONValue { get }
    /// Builds the adapter from the merged `connection` object.
    /// - Parameters:
    ///   - connection: `targets.<target>.connection`, defaults filled in.
    ///   - context: the transport, classification table, environment and logger to use.
    /// - Throws: `ConfigurationError` naming the key that is missing or wrong.
    static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter
    /// Checks a live endpoint answers as the contract says, using only calls that change nothing there.
    static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck]
}

extension NationalSystem {
    /// The connection defaults of a system, read from a prototype of its configuration built
    /// with the type's own defaults: the prototype encoded, without the keys a deployment must
    /// always name (where the system is, who the province is there).
    /// - Parameters:
    ///   - prototype: the configuration with every default left in place.
    ///   - deploymentKeys: the keys filled in only to build the prototype.
    public static func connectionDefaults(of prototype: some Encodable, without deploymentKeys: Set<String>) -> JSONValue {
        guard let data = try? JSONEncoder().encode(prototype), case .object(var object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .object([:])
        }
        for key in deploymentKeys { object[key] = nil }
        return .object(object)
    }

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

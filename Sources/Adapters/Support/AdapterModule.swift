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
    /// The `connection` object used when configuration leaves keys out.
    static var defaultConnection: JSONValue { get }
    static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter
}

extension AdapterModule {
    /// Decodes the connection settings, naming the target in the error.
    public static func decodeConnection<Settings: Decodable>(_ type: Settings.Type, from connection: JSONValue) throws -> Settings {
        do {
            return try connection.decode(Settings.self)
        } catch {
            throw ConfigurationError("targets.\(target).connection: \(error)")
        }
    }
}

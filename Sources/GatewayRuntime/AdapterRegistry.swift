import AdapterSupport
import Foundation
import BCAAdapter
import DVCQGAdapter
import EMCAdapter
import GatewayCore
import GatewayModel
import HoTichAdapter
import Logging
import VBDLISAdapter

/// The national systems this build knows. A new system is one more line here; the runtime,
/// the configuration's defaults and routes, masking and `gateway contracts verify` read this list.
package enum AdapterRegistry {
    /// Every system, in the order a dossier usually meets them. Reading the list registers each
    /// system's sensitive field names with `Redaction`, before any of its text can be masked.
    package static let systems: [any NationalSystem.Type] = {
        let systems: [any NationalSystem.Type] = [
            DVCQGSystem.self,
            BCASystem.self,
            VBDLISSystem.self,
            HoTichSystem.self,
            EMCSystem.self,
        ]
        for system in systems { Redaction.register(sensitiveNames: system.sensitiveFields) }
        return systems
    }()

    package static func system(named name: String) -> (any NationalSystem.Type)? {
        systems.first { $0.target.rawValue == name }
    }

    /// The built-in routing table: every system's default routes.
    package static var defaultRoutes: [RouteRule] { systems.flatMap { $0.defaultRoutes } }

    /// The names of the systems, for messages.
    package static var names: String { systems.map { $0.target.rawValue }.joined(separator: ", ") }
}

extension GatewayConfiguration {
    /// `system`'s adapter as configured, over `transport`, judging answers by its classification
    /// table from the contracts: how the gateway and `gateway replay --dry-run` both build one.
    package func makeAdapter(_ system: any NationalSystem.Type, transport: any HTTPTransport, environment: [String: String], logger: Logger) throws -> any TargetAdapter {
        guard let target = targets[system.target.rawValue] else { throw ConfigurationError("targets.\(system.target) is not configured") }
        let table = try ClassificationTable.load(from: (contractsDirectory as NSString).appendingPathComponent("\(system.target)/classification.json"))
        let context = AdapterContext(transport: transport, classification: table, environment: environment, logger: logger)
        return try system.makeAdapter(connection: target.connection, context: context)
    }
}

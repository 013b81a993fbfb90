import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// EMC as the runtime builds it.
package enum EMCSystem: NationalSystem {
    package static let target = EMCAdapter.target
    package static let operations = [EMCAdapter.tracking]
    /// Every event is a transition EMC monitors.
    package static let defaultRoutes = [RouteRule(target: target, operations: [EMCAdapter.tracking])]
    /// `User` is `{ID_local, ID_QG, …}` sent as a JSON string.
    package static let sensitiveFields = ["User", "ID_local", "ID_QG"]
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: EMCConfiguration(baseURL: "", siteId: 0, provinceCode: ""), without: ["baseURL", "siteId", "provinceCode"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(EMCConfiguration.self, from: connection)
        return EMCAdapter(configuration: configuration, headers: try configuration.headers.resolve(environment: context.environment), classification: context.classification, transport: context.transport)
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(EMCConfiguration.self, from: connection)
        return [.skipped(EMCAdapter.tracking, "EMC has no read-only call: every TrackingMCDT is recorded as monitoring data (\(configuration.baseURL + configuration.trackingPath))")]
    }
}

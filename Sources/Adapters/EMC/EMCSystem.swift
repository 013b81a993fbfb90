import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// EMC as the runtime builds it.
public enum EMCSystem: NationalSystem {
    public static let target = EMCAdapter.target
    public static let operations = [EMCAdapter.tracking]
    /// Every event is a transition EMC monitors.
    public static let defaultRoutes = [RouteRule(target: target, operations: [EMCAdapter.tracking])]
    /// `User` is `{ID_local, ID_QG, …}` sent as a JSON string.
    public static let sensitiveFields = ["User", "ID_local", "ID_QG"]
    public static var defaultConnection: JSONValue {
        .object([
            "trackingPath": .string("/TrackingMCDT"),
            "timeoutMilliseconds": .number(10_000),
        ])
    }

    public static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        EMCAdapter(configuration: try decodeConnection(EMCConfiguration.self, from: connection), classification: context.classification, transport: context.transport)
    }

    public static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(EMCConfiguration.self, from: connection)
        return [.skipped(EMCAdapter.tracking, "EMC has no read-only call: every TrackingMCDT is recorded as monitoring data (\(configuration.baseURL + configuration.trackingPath))")]
    }
}

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// VBDLIS as the runtime builds it.
package enum VBDLISSystem: NationalSystem {
    package static let target = VBDLISAdapter.target
    package static let operations = [VBDLISAdapter.handOver, VBDLISAdapter.supplement, VBDLISAdapter.returnResult]
    /// Lĩnh vực codes of land procedures.
    package static let landFields = ["DD"]
    /// Land dossiers: handed over on reception, then supplement requests and the returned result.
    package static let defaultRoutes = [
        RouteRule(events: ["received"], fields: landFields, target: target, operations: [VBDLISAdapter.handOver]),
        RouteRule(events: ["supplement-requested"], fields: landFields, target: target, operations: [VBDLISAdapter.supplement]),
        RouteRule(events: ["result-returned"], fields: landFields, target: target, operations: [VBDLISAdapter.returnResult]),
    ]
    package static let sensitiveFields = ["DiaChiTaiSan", "ThongTinNguoiNopDon"]
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: VBDLISConfiguration(baseURL: "", clientSecret: .environment("VBDLIS_CLIENT_SECRET")), without: ["baseURL"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(VBDLISConfiguration.self, from: connection)
        let secret = try secret(configuration, context)
        return VBDLISAdapter(configuration: configuration, clientSecret: secret, classification: context.classification, transport: context.transport)
    }

    static func secret(_ configuration: VBDLISConfiguration, _ context: AdapterContext) throws -> Secret? {
        guard configuration.auth == .clientCredentials else { return nil }
        guard configuration.tokenURL != nil, configuration.clientId != nil, let source = configuration.clientSecret else {
            throw ConfigurationError("targets.vbdlis.connection: client-credentials auth needs tokenURL, clientId and clientSecret")
        }
        return try source.resolve(environment: context.environment)
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(VBDLISConfiguration.self, from: connection)
        var checks: [ConformanceCheck] = []
        if let secret = try secret(configuration, context), let tokenURL = configuration.tokenURL, let clientId = configuration.clientId {
            let credentials = ClientCredentials(tokenURL: tokenURL, clientID: clientId, clientSecret: secret, scope: configuration.scope, timeout: .milliseconds(configuration.timeoutMilliseconds))
            switch await credentials.fetch(with: context.transport) {
            case .success: checks.append(.passed("token", "client credentials granted a bearer token"))
            case .failure(let failure): checks.append(.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"))
            }
        } else {
            checks.append(.skipped("token", "configured without auth"))
        }
        for operation in operations {
            checks.append(.skipped(operation, "VBDLIS has no read-only call; covered by the contract tests against the mock"))
        }
        return checks
    }
}

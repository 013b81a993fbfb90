import AdapterSupport
import Foundation
import GatewayModel

/// VBDLIS as the runtime builds it.
package enum VBDLISSystem: NationalSystem {
    package static let target = VBDLISAdapter.target
    package static let operations = [VBDLISAdapter.handOver, VBDLISAdapter.supplement, VBDLISAdapter.returnResult, VBDLISAdapter.disputeResult]
    /// Lĩnh vực codes of land procedures.
    package static let landFields = ["DD"]
    /// Land dossiers: handed over on reception, then supplement requests, the returned result,
    /// and the one-stop's report of a wrong result.
    package static let defaultRoutes = [
        RouteRule(events: ["received"], fields: landFields, target: target, operations: [VBDLISAdapter.handOver]),
        RouteRule(events: ["supplement-requested"], fields: landFields, target: target, operations: [VBDLISAdapter.supplement]),
        RouteRule(events: ["result-returned"], fields: landFields, target: target, operations: [VBDLISAdapter.returnResult]),
        RouteRule(events: ["result-disputed"], fields: landFields, target: target, operations: [VBDLISAdapter.disputeResult]),
    ]
    package static let sensitiveFields = ["DiaChiTaiSan", "ThongTinNguoiNopDon", "NguoiTiepNhan"]
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: VBDLISConfiguration(baseURL: ""), without: ["baseURL"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(VBDLISConfiguration.self, from: connection)
        return VBDLISAdapter(
            configuration: configuration, tokenRequest: try tokenRequest(configuration, context),
            headers: try configuration.headers.resolve(environment: context.environment),
            classification: context.classification, transport: context.transport
        )
    }

    static func tokenRequest(_ configuration: VBDLISConfiguration, _ context: AdapterContext) throws -> ClientCredentials? {
        try configuration.oauth2.tokenRequest(for: target, environment: context.environment, timeout: .milliseconds(configuration.timeoutMilliseconds))
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(VBDLISConfiguration.self, from: connection)
        var checks: [ConformanceCheck] = []
        if let request = try tokenRequest(configuration, context) {
            switch await request.fetch(with: context.transport) {
            case .success: checks.append(.passed("token", "the \(configuration.oauth2.auth.rawValue) grant gave a bearer token"))
            case .failure(let failure): checks.append(.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"))
            }
        } else {
            checks.append(.skipped("token", "configured without auth"))
        }
        for operation in operations {
            checks.append(.skipped(operation, "VBDLIS has no read-only call; covered by the contract tests against the mock (\(configuration.url(of: operation)))"))
        }
        return checks
    }
}

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The civil registry as the runtime builds it.
package enum HoTichSystem: NationalSystem {
    package static let target = HoTichAdapter.target
    package static let operations = [HoTichAdapter.receive]
    /// Lĩnh vực codes of civil-status procedures.
    package static let civilStatusFields = ["HT"]
    /// Civil-status dossiers are handed over on reception.
    package static let defaultRoutes = [RouteRule(events: ["received"], fields: civilStatusFields, target: target, operations: [HoTichAdapter.receive])]
    /// The `hoTich` record uses names every system shares (`hoTen`, `ngaySinh`, `soDinhDanh`).
    package static let sensitiveFields: [String] = []
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: HoTichConfiguration(baseURL: "", clientId: "", clientSecret: .environment("HOTICH_CLIENT_SECRET")), without: ["baseURL", "clientId"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        let secret = try configuration.clientSecret.resolve(environment: context.environment)
        return HoTichAdapter(configuration: configuration, clientSecret: secret, classification: context.classification, transport: context.transport)
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        let secret = try configuration.clientSecret.resolve(environment: context.environment)
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        let credentials = ClientCredentials(tokenURL: configuration.baseURL + configuration.tokenPath, clientID: configuration.clientId, clientSecret: secret, scope: configuration.scope, timeout: timeout)
        var checks: [ConformanceCheck] = []
        let token: String
        switch await credentials.fetch(with: context.transport) {
        case .success(let granted):
            token = granted.value
            checks.append(.passed("token", "client credentials granted a bearer token"))
        case .failure(let failure):
            return [.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"),
                    .skipped(HoTichAdapter.receive, "needs a token")]
        }
        if let resultPath = configuration.resultPath {
            let body = Array(#"{"maDinhDanhHoSo":["000.00.00.G00-000000-00000"],"maTinh":"00"}"#.utf8)
            let request = OutboundRequest(url: configuration.baseURL + resultPath, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")], body: body, timeout: timeout)
            checks.append(await .call("KetQuaDKHT", request, on: context.transport, fields: ["status", "value"]))
        }
        checks.append(.skipped(HoTichAdapter.receive, "writes a registration; covered by the contract tests against the mock"))
        return checks
    }
}

import AdapterSupport
import Foundation
import GatewayModel
import Logging

/// The BCA portal as the runtime builds it.
package enum BCASystem: NationalSystem {
    package static let target = BCAAdapter.target
    package static let operations = [BCAAdapter.pushStatus]
    /// The interconnected birth and death procedures, from reception to refusal or return.
    package static let defaultRoutes = [
        RouteRule(events: ["received", "progressed", "supplement-requested", "resolved", "result-returned", "rejected"], modules: ["LTKS", "LTKT"],
                  target: target, operations: [BCAAdapter.pushStatus]),
    ]
    /// Its personal data travels under names every system shares (`soDinhDanh`, `hoTen`).
    package static let sensitiveFields: [String] = []
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: BCAConfiguration(baseURL: "", userName: "", password: .environment("BCA_PASSWORD")), without: ["baseURL", "userName"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(BCAConfiguration.self, from: connection)
        for (event, statuses) in configuration.statusesByEvent ?? [:] {
            guard DossierEventType(shortName: event) != nil else { throw ConfigurationError("targets.bca.connection.statusesByEvent: unknown event \(event)") }
            guard statuses.allSatisfy({ (1...7).contains($0) }) else { throw ConfigurationError("targets.bca.connection.statusesByEvent.\(event): trangThai values are 1 to 7") }
        }
        let password = try configuration.password.resolve(environment: context.environment)
        return BCAAdapter(
            configuration: configuration, password: password, headers: try configuration.headers.resolve(environment: context.environment),
            classification: context.classification, transport: context.transport
        )
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(BCAConfiguration.self, from: connection)
        let password = try configuration.password.resolve(environment: context.environment)
        let signIn = BCASignIn(configuration: configuration, password: password, transport: context.transport)
        let token: String
        switch await signIn.token() {
        case .success(let granted):
            token = granted.value
        case .failure(let failure):
            return [.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"), .skipped(BCAAdapter.pushStatus, "needs a token")]
        }
        var checks: [ConformanceCheck] = [.passed("token", "user name and password granted a bearer token")]
        if let listPath = configuration.listPath {
            let request = OutboundRequest(method: "GET", url: configuration.baseURL + listPath, headers: [("Authorization", "Bearer \(token)")], timeout: .milliseconds(configuration.timeoutMilliseconds))
            checks.append(await .call("list", request, on: context.transport, fields: ["data"]))
        }
        checks.append(.skipped(BCAAdapter.pushStatus, "changes a dossier's status; covered by the contract tests against the mock"))
        return checks
    }
}

import AdapterSupport
import Foundation
import GatewayModel

/// DVCQG as the runtime builds it.
package enum DVCQGSystem: NationalSystem {
    package static let target = DVCQGAdapter.target
    package static let operations = [DVCQGAdapter.syncDossier, DVCQGAdapter.updateProgress]
    /// Every event syncs the dossier; progress events also send their progress rows.
    package static let defaultRoutes = [
        RouteRule(target: target, operations: [DVCQGAdapter.syncDossier]),
        RouteRule(events: [DossierEventType.progressed.shortName], target: target, operations: [DVCQGAdapter.updateProgress]),
    ]
    package static let sensitiveFields = ["ChuHoSo", "MaDoiTuong", "DinhDanhCHS", "SoGiayToChuHoSo"]
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: DVCQGConfiguration.prototype, without: ["baseURL"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(DVCQGConfiguration.self, from: connection)
        let password = configuration.style == .direct ? try configuration.password?.resolve(environment: context.environment) : nil
        if configuration.style == .direct, password == nil {
            throw ConfigurationError("targets.dvcqg.connection.password is required for the direct style")
        }
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        return DVCQGAdapter(
            configuration: configuration, password: password,
            tokenRequest: try configuration.lgsp.oauth2.tokenRequest(for: target, environment: context.environment, timeout: timeout),
            headers: try configuration.fixedHeaders(environment: context.environment),
            classification: context.classification, transport: context.transport, logger: context.logger
        )
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(DVCQGConfiguration.self, from: connection)
        guard configuration.style == .direct else {
            return operations.map { .skipped($0, "the LGSP style has no read-only call; covered by the contract tests against the mock") }
        }
        guard let password = try configuration.password?.resolve(environment: context.environment) else {
            return [.failed("login", "no password configured")]
        }
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        let json = [("Content-Type", "application/json")] + (try configuration.fixedHeaders(environment: context.environment))
        let login = OutboundRequest(url: configuration.baseURL + configuration.authPath, headers: json,
                                    body: Array(try JSONEncoder().encode(["username": configuration.username ?? "", "password": password.value])), timeout: timeout)
        let response: InboundResponse
        do {
            response = try await context.transport.send(login)
        } catch {
            return [.failed("login", "no answer: \(error)")]
        }
        var checks = [ConformanceCheck.expect("login", response, fields: ["error_code", "session"])]
        guard let session = AnswerReading.text("session", in: response.body) else {
            return checks + [.skipped("LayThuTuc", "needs a session")]
        }
        // Reads go to the integration endpoint, with the session and madonvi like every call.
        let lookUp = OutboundRequest(url: configuration.baseURL + configuration.integrationPath, headers: json,
                                     body: Array(try JSONEncoder().encode(["session": session, "madonvi": configuration.unitCode ?? "000.00.00.H13", "service": "LayThuTuc", "maTTHC": "2.000986"])), timeout: timeout)
        checks.append(await .call("LayThuTuc", lookUp, on: context.transport, fields: ["error_code", "result"]))
        checks.append(.skipped(DVCQGAdapter.syncDossier, "writes a dossier; covered by the contract tests against the mock"))
        checks.append(.skipped(DVCQGAdapter.updateProgress, "writes progress; covered by the contract tests against the mock"))
        return checks
    }
}

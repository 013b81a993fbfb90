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
    package static let sensitiveFields = ["ChuHoSo", "MaDoiTuong", "DinhDanhCHS"]
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: DVCQGConfiguration.prototype, without: ["baseURL", "username"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(DVCQGConfiguration.self, from: connection)
        let password = try configuration.password.resolve(environment: context.environment)
        return DVCQGAdapter(configuration: configuration, password: password, classification: context.classification, transport: context.transport, logger: context.logger)
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(DVCQGConfiguration.self, from: connection)
        let password = try configuration.password.resolve(environment: context.environment)
        let timeout = Duration.milliseconds(configuration.timeoutMilliseconds)
        let json = [("Content-Type", "application/json")]
        let login = OutboundRequest(url: configuration.baseURL + configuration.authPath, headers: json,
                                    body: Array(try JSONEncoder().encode(["username": configuration.username, "password": password.value])), timeout: timeout)
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
        let lookUp = OutboundRequest(url: configuration.baseURL + configuration.sharingPath, headers: json,
                                     body: Array(try JSONEncoder().encode(["session": session, "service": "LayThuTuc", "maTTHC": "1.001193"])), timeout: timeout)
        checks.append(await .call("LayThuTuc", lookUp, on: context.transport, fields: ["error_code", "result"]))
        checks.append(.skipped(DVCQGAdapter.syncDossier, "writes a dossier; covered by the contract tests against the mock"))
        checks.append(.skipped(DVCQGAdapter.updateProgress, "writes progress; covered by the contract tests against the mock"))
        return checks
    }
}

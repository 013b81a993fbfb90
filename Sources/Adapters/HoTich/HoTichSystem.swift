import AdapterSupport
import Foundation
import GatewayModel

/// The civil registry as the runtime builds it.
package enum HoTichSystem: NationalSystem {
    package static let target = HoTichAdapter.target
    package static let operations = [HoTichAdapter.receive]
    /// Lĩnh vực codes of civil-status procedures.
    package static let civilStatusFields = ["HT"]
    /// Civil-status dossiers are handed over on reception.
    package static let defaultRoutes = [RouteRule(events: ["received"], fields: civilStatusFields, target: target, operations: [HoTichAdapter.receive])]
    /// The record's people use names every system shares (`nksHoTen`, `meSoDinhDanh`); their
    /// addresses and the certificates are the registry's own.
    package static let sensitiveFields: [String] = ["NoiCuTru", "NoiChet", "dcChiTiet", "giayKhaiSinh", "giayKhaiTu"]
    package static var defaultConnection: JSONValue {
        connectionDefaults(of: HoTichConfiguration(baseURL: ""), without: ["baseURL"])
    }

    package static func makeAdapter(connection: JSONValue, context: AdapterContext) throws -> any TargetAdapter {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        return HoTichAdapter(
            configuration: configuration, tokenRequest: try tokenRequest(configuration, context),
            headers: try configuration.headers.resolve(environment: context.environment),
            classification: context.classification, transport: context.transport
        )
    }

    static func tokenRequest(_ configuration: HoTichConfiguration, _ context: AdapterContext) throws -> ClientCredentials? {
        try configuration.oauth2.tokenRequest(for: target, environment: context.environment, timeout: .milliseconds(configuration.timeoutMilliseconds))
    }

    package static func verify(connection: JSONValue, context: AdapterContext) async throws -> [ConformanceCheck] {
        let configuration = try decodeConnection(HoTichConfiguration.self, from: connection)
        var checks: [ConformanceCheck] = []
        var headers = [("Content-Type", "application/json")] + (try configuration.headers.resolve(environment: context.environment))
        if let request = try tokenRequest(configuration, context) {
            switch await request.fetch(with: context.transport) {
            case .success(let granted):
                headers.append(("Authorization", "Bearer \(granted.value)"))
                checks.append(.passed("token", "client credentials granted a bearer token"))
            case .failure(let failure):
                return [.failed("token", "HTTP \(failure.answer.httpStatus.map(String.init) ?? "-"): \(failure.answer.excerpt)"),
                        .skipped(HoTichAdapter.receive, "needs a token")]
            }
        } else {
            checks.append(.skipped("token", "configured without auth, as public clients call the registry"))
        }
        if let resultPath = configuration.resultPath {
            // A code no dossier has: the answer's shape is checked, nothing is read or changed.
            let poll = HoTichResultPoll(maDinhDanhHoSo: ["000.00.00.G00-000000-00000"], maTinh: configuration.provinceCode ?? "00", module: "LTKS")
            let request = OutboundRequest(url: configuration.baseURL + resultPath, headers: headers, body: Array(try JSONEncoder().encode(poll)), timeout: .milliseconds(configuration.timeoutMilliseconds))
            checks.append(await .call("KetQuaDKHT", request, on: context.transport, fields: ["status", "value"]))
        }
        checks.append(.skipped(HoTichAdapter.receive, "writes a registration; covered by the contract tests against the mock"))
        return checks
    }
}

/// The body of the result poll: up to three dossier codes of one module.
struct HoTichResultPoll: Codable {
    var maDinhDanhHoSo: [String]
    var maTinh: String
    var module: String
}

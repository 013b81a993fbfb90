import AdapterSupport
import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Logging
import Synchronization
import Testing

/// The contracts folder, its example events, and adapters built as the runtime builds them.
enum ContractFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let contracts = repository.appendingPathComponent("Contracts")
    static let secrets = MockSystems.secrets

    static func exampleEvents() throws -> [(name: String, event: DossierEvent)] {
        let folder = contracts.appendingPathComponent("examples/events")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted().map { file in
            (String(file.dropLast(5)), try DossierEventDecoder.decode(Array(try Data(contentsOf: folder.appendingPathComponent(file))), key: nil))
        }
    }

    /// The adapter of `system` as configured for mocks on loopback, talking to `transport`.
    static func adapter(_ system: any NationalSystem.Type, transport: any HTTPTransport, overrides: [String: String] = [:]) throws -> any TargetAdapter {
        let table = try ClassificationTable.load(from: contracts.appendingPathComponent("\(system.target)/classification.json").path)
        let context = AdapterContext(transport: transport, classification: table, environment: secrets, logger: Logger(label: "contract"))
        return try system.makeAdapter(connection: try connection(system, overrides: overrides), context: context)
    }

    /// The connection a gateway gets for mocks at fixed loopback ports: the defaults, with the
    /// location and identities the mocks hand over, and any `GATEWAY__…` overrides.
    static func connection(_ system: any NationalSystem.Type, overrides: [String: String] = [:]) throws -> JSONValue {
        let urls = Dictionary(uniqueKeysWithValues: MockRegistry.systems.map { mock in
            (TargetName(mock.name), "http://127.0.0.1:\(mock.defaultPort)")
        })
        let environment = MockSystems.configurationOverrides(urls: urls).merging(overrides) { $1 }
        let configuration = try GatewayConfiguration.load(path: nil, environment: environment)
        return try #require(configuration.targets[system.target.rawValue]?.connection)
    }

    static var baseURLs: [String: String] {
        var urls: [String: String] = [:]
        for system in AdapterRegistry.systems {
            if case .string(let url)? = (try? connection(system))?["baseURL"] { urls[system.target.rawValue] = url }
        }
        return urls
    }
}

/// Answers sign-ins itself and everything else with one scripted answer, keeping every request.
final class ScriptedTransport: HTTPTransport {
    private let state: Mutex<(answer: InboundResponse, requests: [OutboundRequest])>

    init(answer: InboundResponse = InboundResponse(status: 200, body: Array(#"{"error_code":"0","status":"1","message":"OK"}"#.utf8))) {
        state = Mutex((answer, []))
    }

    var requests: [OutboundRequest] { state.withLock { $0.requests } }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        state.withLock { $0.requests.append(request) }
        if Self.isSignIn(request) {
            return InboundResponse(status: 200, body: Array(#"{"error_code":"0","session":"s-1","access_token":"t-1","expires_in":3600,"token_type":"Bearer","token":"t-1"}"#.utf8))
        }
        return state.withLock { $0.answer }
    }

    static func isSignIn(_ request: OutboundRequest) -> Bool {
        ["/login", "/token"].contains { request.url.hasSuffix($0) } || request.url.contains("/oauth2/")
    }
}

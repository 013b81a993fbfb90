import BCAMock
import DVCQGMock
import EMCMock
import Foundation
import GatewayCore
import GatewayHTTP
import HoTichMock
import Logging
import MockSupport
import VBDLISMock

/// Every mock national system, served on loopback, each on its own port.
public final class MockSystems: Sendable {
    /// Credentials the mocks accept, and that `secrets` hands to a gateway.
    public static let dvcqgPassword = "dev-password"
    public static let hotichClientSecret = "dev-secret"
    public static let bcaPassword = "dev-password"
    public static let vbdlisClientSecret = "dev-secret"

    public let dvcqg: DVCQGMock
    public let bca: BCAMock
    public let vbdlis: VBDLISMock
    public let hotich: HoTichMock
    public let emc: EMCMock
    /// Base URL of each system's mock.
    public let urls: [TargetName: String]
    private let tasks: [Task<Void, Never>]

    /// Serves every mock; a port of 0 (or one not given) means any free port.
    public static func start(ports: [TargetName: Int] = [:], logger: Logger) async throws -> MockSystems {
        let dvcqg = DVCQGMock(password: dvcqgPassword)
        let bca = BCAMock(password: bcaPassword)
        let vbdlis = VBDLISMock(clientSecret: vbdlisClientSecret)
        let hotich = HoTichMock(clientSecret: hotichClientSecret)
        let emc = EMCMock()
        let servers: [(TargetName, MockServer)] = [
            ("dvcqg", dvcqg.server), ("bca", bca.server), ("vbdlis", vbdlis.server), ("hotich", hotich.server), ("emc", emc.server),
        ]
        var urls: [TargetName: String] = [:]
        var tasks: [Task<Void, Never>] = []
        for (target, server) in servers {
            let (port, task) = try await serve(server, port: ports[target] ?? 0, logger: logger)
            urls[target] = "http://127.0.0.1:\(port)"
            tasks.append(task)
        }
        return MockSystems(dvcqg: dvcqg, bca: bca, vbdlis: vbdlis, hotich: hotich, emc: emc, urls: urls, tasks: tasks)
    }

    private init(dvcqg: DVCQGMock, bca: BCAMock, vbdlis: VBDLISMock, hotich: HoTichMock, emc: EMCMock, urls: [TargetName: String], tasks: [Task<Void, Never>]) {
        self.dvcqg = dvcqg
        self.bca = bca
        self.vbdlis = vbdlis
        self.hotich = hotich
        self.emc = emc
        self.urls = urls
        self.tasks = tasks
    }

    /// Each system's control API: journal, faults, expiring sessions.
    public var controls: [TargetName: MockControl] {
        ["dvcqg": dvcqg.control, "bca": bca.control, "vbdlis": vbdlis.control, "hotich": hotich.control, "emc": emc.control]
    }

    /// Who the gateway is at each mock: the accounts and codes the mocks accept. A real
    /// deployment names its own; the gateway has no defaults for them.
    public static let identities: [String: String] = [
        "GATEWAY__targets__dvcqg__connection__username": "gateway",
        "GATEWAY__targets__bca__connection__userName": "motcua-cantho",
        "GATEWAY__targets__vbdlis__connection__clientId": "motcua-cantho",
        "GATEWAY__targets__hotich__connection__clientId": "motcua-cantho",
        "GATEWAY__targets__emc__connection__siteId": "motcua-cantho",
        "GATEWAY__targets__emc__connection__provinceCode": "92",
    ]

    /// Where each mock is and who the gateway is there, as `GATEWAY__…` overrides.
    public var configurationOverrides: [String: String] { Self.configurationOverrides(urls: urls) }

    /// The overrides for mocks served at `urls` (by target name), by this process or another.
    public static func configurationOverrides(urls: [TargetName: String]) -> [String: String] {
        var overrides = Dictionary(uniqueKeysWithValues: urls.map { ("GATEWAY__targets__\($0.key)__connection__baseURL", $0.value) })
        if let vbdlis = urls["vbdlis"] {
            overrides["GATEWAY__targets__vbdlis__connection__baseURL"] = vbdlis + "/api/vbdlis"
            overrides["GATEWAY__targets__vbdlis__connection__tokenURL"] = vbdlis + "/oauth2/token"
        }
        return overrides.merging(identities) { url, _ in url }
    }

    /// The environment a gateway reads these mocks' secrets from.
    public static var secrets: [String: String] {
        ["DVCQG_PASSWORD": dvcqgPassword, "BCA_PASSWORD": bcaPassword, "VBDLIS_CLIENT_SECRET": vbdlisClientSecret, "HOTICH_CLIENT_SECRET": hotichClientSecret]
    }

    public func shutdown() {
        for task in tasks { task.cancel() }
    }

    /// Serves a mock on a loopback port and returns the port once it listens.
    public static func serve(_ server: MockServer, port: Int = 0, logger: Logger) async throws -> (Int, Task<Void, Never>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            do {
                try await server.run(port: port) { continuation.yield($0) }
            } catch {
                logger.error("mock \(server.name) stopped", metadata: ["error": "\(error)"])
            }
            continuation.finish()
        }
        for await bound in ports { return (bound, task) }
        throw ConfigurationError("mock \(server.name) did not start")
    }

    /// Serves `server` on a free port for the length of `body`, with an HTTP client for it.
    public static func withServer<T>(_ server: MockServer, _ body: (_ baseURL: String, _ http: AsyncHTTPTransport) async throws -> T) async throws -> T {
        let (port, task) = try await serve(server, logger: Logger(label: "mock.\(server.name)"))
        let http = AsyncHTTPTransport(connectionsPerHost: 2)
        defer { task.cancel() }
        do {
            let result = try await body("http://127.0.0.1:\(port)", http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

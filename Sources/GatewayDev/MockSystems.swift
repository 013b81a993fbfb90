import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel
import Logging
import MockSupport

/// Every mock national system of `MockRegistry`, served on loopback, each on its own port.
package final class MockSystems: Sendable {
    /// Each running mock, by the target it stands in for.
    package let mocks: [TargetName: any MockSystem]
    /// Base URL of each system's mock.
    package let urls: [TargetName: String]
    private let tasks: [Task<Void, Never>]

    /// Serves every mock; a port of 0 (or one not given) means any free port.
    package static func start(ports: [TargetName: Int] = [:], logger: Logger) async throws -> MockSystems {
        var mocks: [TargetName: any MockSystem] = [:]
        var urls: [TargetName: String] = [:]
        var tasks: [Task<Void, Never>] = []
        for system in MockRegistry.systems {
            let target = TargetName(system.name)
            let mock = system.init()
            let (port, task) = try await serve(mock.server, port: ports[target] ?? 0, logger: logger)
            mocks[target] = mock
            urls[target] = "http://127.0.0.1:\(port)"
            tasks.append(task)
        }
        return MockSystems(mocks: mocks, urls: urls, tasks: tasks)
    }

    private init(mocks: [TargetName: any MockSystem], urls: [TargetName: String], tasks: [Task<Void, Never>]) {
        self.mocks = mocks
        self.urls = urls
        self.tasks = tasks
    }

    /// The control API of `target`'s mock: journal, faults, expiring sessions.
    package func control(_ target: TargetName) -> MockControl {
        guard let mock = mocks[target] else { preconditionFailure("no mock for \(target); known: \(MockRegistry.names)") }
        return mock.control
    }

    /// Each system's control API.
    package var controls: [TargetName: MockControl] { mocks.mapValues(\.control) }

    /// Where each mock is and who the gateway is there, as `GATEWAY__…` overrides.
    package var configurationOverrides: [String: String] { Self.configurationOverrides(urls: urls) }

    /// The overrides for mocks served at `urls` (by target name), by this process or another.
    package static func configurationOverrides(urls: [TargetName: String]) -> [String: String] {
        var overrides: [String: String] = [:]
        for system in MockRegistry.systems {
            guard let url = urls[TargetName(system.name)] else { continue }
            for (key, value) in system.connection(baseURL: url) {
                overrides["GATEWAY__targets__\(system.name)__connection__\(key)"] = value
            }
        }
        return overrides
    }

    /// The environment a gateway reads these mocks' secrets from.
    package static var secrets: [String: String] {
        MockRegistry.systems.reduce(into: [:]) { secrets, system in secrets.merge(system.devSecrets) { $1 } }
    }

    package func shutdown() {
        for task in tasks { task.cancel() }
    }

    /// Serves a mock on a loopback port and returns the port once it listens.
    package static func serve(_ server: MockServer, port: Int = 0, logger: Logger) async throws -> (Int, Task<Void, Never>) {
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
    package static func withServer<T>(_ server: MockServer, _ body: (_ baseURL: String, _ http: AsyncHTTPTransport) async throws -> T) async throws -> T {
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

import AdapterSupport
import ArgumentParser
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel
import GatewayRuntime
import Logging

struct ContractsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contracts",
        abstract: "Check national systems against the contracts in Contracts/.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the safe, read-only contract checks against a live endpoint and report operation by operation."
        )

        @Option(help: "The system: \(AdapterRegistry.names).")
        var target: String

        @Option(help: "Base URL of the endpoint, e.g. a staging system; the configured one when absent.")
        var baseURL: String?

        @Option(help: "Configuration file for paths and credentials (environment overrides apply).")
        var config: String?

        func run() async throws {
            LogSetup.bootstrap(level: "warning")
            guard let system = AdapterRegistry.system(named: target) else {
                throw ValidationError("unknown target \(target); known: \(AdapterRegistry.names)")
            }
            let configuration = try GatewayConfiguration.load(path: config)
            var connection = configuration.targets[target]?.connection ?? system.defaultConnection
            if let baseURL, case .object(var object) = connection {
                object["baseURL"] = .string(baseURL)
                connection = .object(object)
            }
            let table = try ClassificationTable.load(from: (configuration.contractsDirectory as NSString).appendingPathComponent("\(target)/classification.json"))
            let transport = AsyncHTTPTransport(connectionsPerHost: 1)
            let context = AdapterContext(transport: transport, classification: table, environment: ProcessInfo.processInfo.environment, logger: Logger(label: "contracts"))
            let checks: [ConformanceCheck]
            do {
                checks = try await system.verify(connection: connection, context: context)
            } catch {
                try? await transport.shutdown()
                throw error
            }
            try? await transport.shutdown()
            print("\(target) at \(connection["baseURL"].flatMap { if case .string(let url) = $0 { url } else { nil } } ?? "-")")
            for check in checks {
                let mark = switch check.result {
                case .passed: "ok  "
                case .failed: "FAIL"
                case .skipped: "skip"
                }
                print("  \(mark) \(check.operation.padding(toLength: 28, withPad: " ", startingAt: 0)) \(check.detail)")
            }
            let failed = checks.filter { $0.result == .failed }.count
            let passed = checks.filter { $0.result == .passed }.count
            print("\(passed) passed, \(failed) failed, \(checks.count - passed - failed) skipped")
            if failed > 0 { throw ExitCode.failure }
        }
    }
}

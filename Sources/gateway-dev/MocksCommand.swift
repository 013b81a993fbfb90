import ArgumentParser
import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Logging

struct MocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mocks",
        abstract: "Serve the mock national systems on loopback, with their journals and fault-control APIs under /_control."
    )

    @Option(name: .customLong("port"), help: ArgumentHelp(
        "A mock's port as NAME=PORT, repeatable (0: any free port). Systems: \(MockRegistry.systems.map { "\($0.name) (\($0.defaultPort))" }.joined(separator: ", ")).",
        valueName: "name=port"
    ))
    var portAssignments: [String] = []

    @Flag(help: "Serve every mock on a free port unless --port names one.")
    var freePorts = false

    @Option(help: "Write every mock's port as a JSON object, keyed by system, once they listen.")
    var portsFile: String?

    @Option(help: "Write, once they listen, the environment a gateway needs to use these mocks (GATEWAY__… overrides and the mocks' dev secrets), as shell exports.")
    var envFile: String?

    /// The port of each system: its default (or 0 with `--free-ports`), then `--port`.
    func ports() throws -> [TargetName: Int] {
        var ports = Dictionary(uniqueKeysWithValues: MockRegistry.systems.map { (TargetName($0.name), freePorts ? 0 : $0.defaultPort) })
        for assignment in portAssignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let port = Int(parts[1]), (0...65_535).contains(port) else {
                throw ValidationError("--port \(assignment): expected NAME=PORT with a port from 0 to 65535")
            }
            guard MockRegistry.system(named: parts[0]) != nil else {
                throw ValidationError("--port \(assignment): no mock named \(parts[0]); known: \(MockRegistry.names)")
            }
            ports[TargetName(parts[0])] = port
        }
        return ports
    }

    func validate() throws { _ = try ports() }

    func run() async throws {
        LogSetup.bootstrap(level: "info")
        let logger = Logger(label: "mocks")
        let mocks = try await MockSystems.start(ports: try ports(), logger: logger)
        let ports = mocks.urls.mapValues { Int($0.split(separator: ":").last!)! }
        if let portsFile {
            let object = Dictionary(uniqueKeysWithValues: ports.map { ($0.key.rawValue, $0.value) })
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: portsFile))
        }
        if let envFile {
            try writeShellExports(mocks.configurationOverrides.merging(MockSystems.secrets) { $1 }, to: envFile)
        }
        for (target, url) in mocks.urls.sorted(by: { $0.key < $1.key }) {
            print("\(target.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(url)  (journal: /_control/journal, faults: POST /_control/faults)")
        }
        fflush(nil)
        try await Termination.wait(logger: logger)
        mocks.shutdown()
    }
}

import ArgumentParser
import Foundation
import GatewayCore
import GatewayDev
import Logging

struct MocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mocks",
        abstract: "Serve the mock national systems on loopback, with their journals and fault-control APIs under /_control."
    )

    @Option(help: "Port of the DVCQG mock (0: any free port).")
    var dvcqgPort = 18081

    @Option(help: "Port of the BCA portal mock (0: any free port).")
    var bcaPort = 18082

    @Option(help: "Port of the VBDLIS mock (0: any free port).")
    var vbdlisPort = 18083

    @Option(help: "Port of the civil-registry mock (0: any free port).")
    var hotichPort = 18084

    @Option(help: "Port of the EMC mock (0: any free port).")
    var emcPort = 18085

    @Option(help: "Write the DVCQG mock's port to this file once it listens.")
    var portFile: String?

    @Option(help: "Write every mock's port as a JSON object, keyed by system, once they listen.")
    var portsFile: String?

    @Option(help: "Write, once they listen, the environment a gateway needs to use these mocks (GATEWAY__… overrides and the mocks' dev secrets), as shell exports.")
    var envFile: String?

    func run() async throws {
        LogSetup.bootstrap(level: "info")
        let logger = Logger(label: "mocks")
        let mocks = try await MockSystems.start(ports: ["dvcqg": dvcqgPort, "bca": bcaPort, "vbdlis": vbdlisPort, "hotich": hotichPort, "emc": emcPort], logger: logger)
        let ports = mocks.urls.mapValues { Int($0.split(separator: ":").last!)! }
        if let portsFile {
            let object = Dictionary(uniqueKeysWithValues: ports.map { ($0.key.rawValue, $0.value) })
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: portsFile))
        }
        if let envFile {
            let exports = mocks.configurationOverrides.merging(MockSystems.secrets) { $1 }.sorted { $0.key < $1.key }.map { "export \($0.key)='\($0.value)'" }
            try Data((exports.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: envFile))
        }
        if let portFile, let port = ports["dvcqg"] { try Data(String(port).utf8).write(to: URL(fileURLWithPath: portFile)) }
        for (target, url) in mocks.urls.sorted(by: { $0.key < $1.key }) {
            print("\(target.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(url)  (journal: /_control/journal, faults: POST /_control/faults)")
        }
        fflush(nil)
        await Termination.wait()
        mocks.shutdown()
    }
}

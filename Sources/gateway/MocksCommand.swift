import ArgumentParser
import DVCQGMock
import Foundation
import GatewayDev
import Logging

struct MocksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mocks",
        abstract: "Serve the mock national systems on loopback, with their journals and fault-control APIs under /_control."
    )

    @Option(help: "Port of the DVCQG mock.")
    var dvcqgPort = 18081

    @Option(help: "Write the DVCQG mock's port to this file once it listens.")
    var portFile: String?

    @Option(help: "Password the DVCQG mock accepts for user `gateway`.")
    var dvcqgPassword = DevStack.dvcqgPassword

    func run() async throws {
        LogSetup.bootstrap(level: "info")
        let logger = Logger(label: "mocks")
        let dvcqg = DVCQGMock(password: dvcqgPassword)
        let (port, task) = try await DevStack.serve(dvcqg.server, port: dvcqgPort, logger: logger)
        if let portFile { try Data(String(port).utf8).write(to: URL(fileURLWithPath: portFile)) }
        print("dvcqg http://127.0.0.1:\(port)  (journal: /_control/journal, faults: POST /_control/faults)")
        fflush(nil)
        await Termination.wait()
        task.cancel()
    }
}

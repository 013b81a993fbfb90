import ArgumentParser
import Foundation
import GatewayCore

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Keeps the national systems in step with the province's one-stop dossier events.",
        version: GatewayVersion.current,
        subcommands: [RunCommand.self, ConfigCommand.self, ContractsCommand.self, DLQCommand.self, ParkedCommand.self, ReplayCommand.self, StatusCommand.self]
    )

    /// Exit codes: 0 done, 1 failed (or some records did), 2 the command line was wrong.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

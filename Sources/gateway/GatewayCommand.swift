import ArgumentParser
import GatewayCore

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Keeps the national systems in step with the province's one-stop dossier events.",
        version: GatewayVersion.current,
        subcommands: [RunCommand.self, ConfigCommand.self, ContractsCommand.self]
    )
}

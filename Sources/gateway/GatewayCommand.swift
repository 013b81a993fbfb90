import ArgumentParser
import GatewayCore
import GatewayModel

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Keeps the national systems in step with the province's one-stop dossier events.",
        version: GatewayVersion.current,
        subcommands: [RunCommand.self, ConfigCommand.self, DevCommand.self, KafkaCommand.self, MocksCommand.self, ContractsCommand.self]
    )
}

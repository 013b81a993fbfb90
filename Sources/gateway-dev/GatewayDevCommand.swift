import ArgumentParser
import GatewayCore

/// The development tools, kept out of the production binary: the whole stack in one process,
/// a standalone embedded broker, and the mock national systems with their dev secrets.
@main
struct GatewayDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway-dev",
        abstract: "Run the gateway with embedded Kafka, the mock national systems and sample traffic, or either of them alone.",
        version: GatewayVersion.current,
        subcommands: [DevCommand.self, KafkaCommand.self, MocksCommand.self]
    )
}

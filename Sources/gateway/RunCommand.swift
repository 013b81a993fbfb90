import ArgumentParser
import GatewayRuntime
import Logging
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway against a Kafka cluster and the national systems."
    )

    @OptionGroup var options: ConfigurationOption

    func run() async throws {
        let configuration = try GatewayConfiguration.load(path: options.config)
        LogSetup.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "gateway")
        let gateway = Gateway(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: gateway)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}

import ArgumentParser
import Foundation
import GatewayAdmin
import GatewayRuntime
import Logging
import Prometheus
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway against a Kafka cluster and the national systems, with its admin listener."
    )

    @OptionGroup var options: ConfigurationOption

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try GatewayConfiguration.load(path: options.config)
        LogSetup.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "gateway")
        let registry = PrometheusCollectorRegistry()
        let gateway = Gateway(
            configuration: configuration, logger: logger, environment: environment,
            metrics: GatewayMetrics(factory: PrometheusMetricsFactory(registry: registry))
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let address = configuration.admin.address {
            let token = try configuration.admin.token.map { try $0.resolve(environment: environment) }
            // First in, last out: the probes answer until the gateway has stopped.
            services.append(.init(service: AdminServer(
                host: address.host, port: address.port, monitor: gateway.monitor, registry: registry, token: token, logger: logger
            )))
        }
        services.append(.init(service: gateway))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

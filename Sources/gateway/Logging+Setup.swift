import Foundation
import GatewayRuntime
import Logging
import ServiceLifecycle

enum LogSetup {
    /// Structured logs on standard error, made safe by `SafeLogHandler`; `LOG_LEVEL` overrides
    /// the configured level.
    static func bootstrap(level: String) {
        let chosen = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = SafeLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = chosen
            return handler
        }
    }
}

/// Waits for SIGINT or SIGTERM, with service-lifecycle's signal handling: a service group
/// whose one service returns when graceful shutdown begins.
enum Termination {
    static func wait(logger: Logger) async throws {
        let untilShutdown = ClosureService {
            try? await gracefulShutdown()
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: untilShutdown)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

import Logging
import ServiceLifecycle

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

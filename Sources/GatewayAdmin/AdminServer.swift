import Foundation
import GatewayCore
import GatewayModel
import GatewayRuntime
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The admin listener, a Hummingbird application run as a service beside the gateway:
///
/// - `GET /health/live`: the process serves;
/// - `GET /health/ready`: the broker answers, the group is joined and no critical target is
///   paused; 503 with the reasons otherwise;
/// - `GET /status`: the status as JSON;
/// - `GET /metrics`: the Prometheus text exposition of the gateway's registry;
/// - `GET /`: the status page for people.
///
/// With a token, every route but the health probes needs `Authorization: Bearer <token>`.
package struct AdminServer: Service, CustomStringConvertible {
    private let host: String
    private let port: Int
    private let monitor: GatewayMonitor
    private let registry: PrometheusCollectorRegistry
    private let token: Secret?
    private let onListening: @Sendable (Int) async -> Void
    private let logger: Logger

    package init(
        host: String, port: Int, monitor: GatewayMonitor, registry: PrometheusCollectorRegistry, token: Secret?, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.monitor = monitor
        self.registry = registry
        self.token = token
        self.logger = logger
        self.onListening = onListening
    }

    package func run() async throws {
        let router = Router()
        let monitor = self.monitor, registry = self.registry, token = self.token
        router.get("/health/live") { _, _ in
            Self.json(["status": "live"], status: .ok)
        }
        router.get("/health/ready") { _, _ in
            let readiness = await monitor.readiness()
            return Self.json(["ready": readiness.ready, "reasons": readiness.reasons], status: readiness.ready ? .ok : .serviceUnavailable)
        }
        router.get("/status") { request, _ in
            guard Self.authorized(request, token) else { return Self.refused() }
            return Self.json(encodable: await monitor.status())
        }
        router.get("/metrics") { request, _ in
            guard Self.authorized(request, token) else { return Self.refused() }
            await monitor.refreshGauges()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        router.get("/") { request, _ in
            guard Self.authorized(request, token) else { return Self.refused() }
            let status = await monitor.status()
            let english = request.uri.queryParameters.get("lang") == "en"
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: StatusPage.render(status, english: english)))
            )
        }
        var quiet = logger
        quiet.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "national-gateway"),
            onServerRunning: { [onListening, host, port, logger, token] channel in
                let bound = channel.localAddress?.port ?? port
                logger.notice("admin listening on \(host):\(bound)", metadata: ["token": "\(token == nil ? "none" : "required")"])
                await onListening(bound)
            },
            logger: quiet
        )
        // Served until this service's own graceful shutdown, which comes after the gateway's.
        try await app.run()
    }

    package var description: String { "AdminServer(\(host):\(port))" }

    static func authorized(_ request: Request, _ token: Secret?) -> Bool {
        guard let token else { return true }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return token.matches(header.dropFirst("Bearer ".count).utf8)
    }

    static func refused() -> Response {
        var response = json(["error": "a bearer token is required"], status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(encodable value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

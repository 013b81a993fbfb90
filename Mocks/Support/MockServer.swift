import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import NIOCore

/// What every mock national system shares: its journal, its planned faults, and
/// the control API under `/_control` that tests and operators drive.
package struct MockControl: Sendable {
    package let journal = Journal()
    package let faults = FaultInjector()
    package let idempotency = IdempotencyStore()
    /// Called by `POST /_control/expire-sessions`.
    package let expireSessions: @Sendable () async -> Void

    package init(expireSessions: @escaping @Sendable () async -> Void = {}) {
        self.expireSessions = expireSessions
    }

    package func register(on router: Router<BasicRequestContext>) {
        let group = router.group("_control")
        group.get("health") { _, _ in MockJSON.response(["status": "up"]) }
        group.get("journal/count") { _, _ in
            MockJSON.response(["requests": await journal.count, "applied": await journal.applied])
        }
        group.get("journal") { request, _ in
            let entries = await journal.all()
            // `?bodies=false` leaves the request bodies out, for large journals.
            guard request.uri.queryParameters["bodies"] == "false" else { return MockJSON.response(encodable: entries) }
            return MockJSON.response(encodable: entries.map { entry -> JournalEntry in
                var entry = entry
                entry.body = ""
                return entry
            })
        }
        group.delete("journal") { _, _ in
            await journal.clear()
            return Response(status: .noContent)
        }
        group.post("faults") { request, context in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let plan = try? JSONDecoder().decode(FaultPlan.self, from: Data(buffer: body)) else {
                return MockJSON.response(["error": "a fault plan is {status?, body?, retryAfterSeconds?, latencyMilliseconds?, dropConnection?, count, operation?}"], status: .badRequest)
            }
            await faults.add(plan)
            return Response(status: .noContent)
        }
        group.delete("faults") { _, _ in
            await faults.clear()
            return Response(status: .noContent)
        }
        group.post("expire-sessions") { _, _ in
            await expireSessions()
            return Response(status: .noContent)
        }
    }

    /// Applies a planned fault, if any: returns the response that replaces normal processing.
    /// The response a planned fault gives, after its latency; nil for a latency alone.
    package func injectedFault(_ plan: FaultPlan) async -> (Response, String)? {
        if let latency = plan.latencyMilliseconds {
            try? await Task.sleep(for: .milliseconds(latency))
        }
        if plan.dropConnection == true {
            let body = ResponseBody { _ in throw DroppedConnection() }
            return (Response(status: .ok, headers: [.contentType: "application/json"], body: body), "fault: dropped connection")
        }
        guard let status = plan.status else { return nil }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = plan.retryAfterSeconds { headers[.retryAfter] = String(retryAfter) }
        let text = plan.body ?? "{\"message\":\"fault injected\"}"
        return (Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text))), "fault: status \(status)")
    }
}

struct DroppedConnection: Error {}

/// JSON answers for mocks.
package enum MockJSON {
    package static func response(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    package static func response<T: Encodable>(encodable: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(encodable)) ?? Data("null".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The body as a JSON object, or why it is not one.
    package static func object(_ buffer: ByteBuffer) -> Result<[String: Any], MockContractViolation> {
        guard let value = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) else {
            return .failure(MockContractViolation("body is not JSON"))
        }
        guard let object = value as? [String: Any] else {
            return .failure(MockContractViolation("body is not a JSON object"))
        }
        return .success(object)
    }
}

/// A request that breaks the system's contract, with the reason.
package struct MockContractViolation: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// A mock national system served on loopback.
package struct MockServer: Sendable {
    package let name: String
    private let responder: RouterResponder<BasicRequestContext>

    package init(name: String, router: Router<BasicRequestContext>) {
        self.name = name
        self.responder = router.buildResponder()
    }

    /// Serves until the task is cancelled; `onListening` receives the bound port.
    package func run(host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: {
                var logger = Logger(label: "mock.\(name)")
                logger.logLevel = .warning
                return logger
            }()
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
        // Not a child task: cancelling the caller shuts the server down gracefully instead.
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}

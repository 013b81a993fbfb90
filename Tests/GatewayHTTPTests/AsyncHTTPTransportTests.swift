import GatewayCore
import GatewayHTTP
import GatewayModel
import Hummingbird
import MockSupport
import NIOCore
import Synchronization
import Testing

/// A loopback server with routes a test chooses, for what the transport does on a bad day.
struct LoopbackServer {
    let port: Int
    let serving: Task<Void, any Error>

    static func start(_ build: (Hummingbird.Router<BasicRequestContext>) -> Void) async throws -> LoopbackServer {
        let router = Hummingbird.Router()
        build(router)
        let server = MockServer(name: "loopback", router: router)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let serving = Task { try await server.run(port: 0) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TransportError(.other, "server did not start") }
        return LoopbackServer(port: port, serving: serving)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        serving.cancel()
        _ = await serving.result
    }
}

@Suite(.timeLimit(.minutes(1))) struct AsyncHTTPTransportTests {
    @Test func aBodyThatStallsAfterTheHeadEndsAtTheCallsDeadline() async throws {
        let server = try await LoopbackServer.start { router in
            router.post("stall") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"error_code":"#))
                    try await Task.sleep(for: .seconds(20))
                    try await writer.write(ByteBuffer(string: "0}"))
                    try await writer.finish(nil)
                })
            }
        }
        let transport = AsyncHTTPTransport()
        let started = ContinuousClock.now
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(OutboundRequest(url: server.base + "/stall", body: Array("{}".utf8), timeout: .milliseconds(500)))
        }
        let elapsed = started.duration(to: .now)
        #expect(elapsed < .seconds(3), "the deadline covers the body: \(elapsed)")
        try await transport.shutdown()
        // The stalled handler would hold a graceful stop for its whole sleep.
        server.serving.cancel()
    }

    @Test(arguments: [301, 302, 307, 308])
    func redirectsAreAnswersNotFollowed(status: Int) async throws {
        let hits = Mutex(0)
        let elsewhere = try await LoopbackServer.start { router in
            router.post("steal") { _, _ in hits.withLock { $0 += 1 }; return Response(status: .ok) }
            router.get("steal") { _, _ in hits.withLock { $0 += 1 }; return Response(status: .ok) }
        }
        let server = try await LoopbackServer.start { router in
            router.post("login") { _, _ in
                Response(status: .init(code: status), headers: [.location: elsewhere.base + "/steal"])
            }
        }
        let transport = AsyncHTTPTransport()
        let response = try await transport.send(OutboundRequest(url: server.base + "/login", body: Array(#"{"password":"pw"}"#.utf8), timeout: .seconds(5)))
        #expect(response.status == status)
        #expect(hits.withLock { $0 } == 0, "nothing, least of all the password, reached the other origin")
        try await transport.shutdown()
        await server.stop()
        await elsewhere.stop()
    }

    @Test func aHeaderTheClientRefusesIsALocalError() async throws {
        let transport = AsyncHTTPTransport()
        do {
            _ = try await transport.send(OutboundRequest(url: "http://127.0.0.1:9/x", headers: [("Idempotency-Key", "a\nb")], body: [], timeout: .seconds(2)))
            Issue.record("the request was sent")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(!error.detail.contains("a\nb"), "the refused value is not quoted")
        }
        try await transport.shutdown()
    }

    @Test func aBodyLargerThanTheLimitIsCutNotAFailure() async throws {
        let server = try await LoopbackServer.start { router in
            router.post("big") { _, _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "a"), count: 100_000)))
            }
        }
        let transport = AsyncHTTPTransport(maxBodyBytes: 1_000)
        let response = try await transport.send(OutboundRequest(url: server.base + "/big", body: [], timeout: .seconds(5)))
        #expect(response.status == 200, "the system accepted the call; a long answer does not make it a transport failure")
        #expect(response.body.count == 1_000)
        try await transport.shutdown()
        await server.stop()
    }
}

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

    @Test func aURLCalledAgainCarriesEachCallsOwnMethodHeadersAndBody() async throws {
        let server = try await LoopbackServer.start { router in
            for method in [HTTPRequest.Method.post, .put] {
                router.on("echo", method: method) { request, _ in
                    let body = try await request.body.collect(upTo: 1_024)
                    let call = request.headers.first { $0.name.canonicalName == "x-call" }?.value ?? "none"
                    return "\(request.method.rawValue) \(call) \(String(buffer: body)) \(request.uri.query ?? "")"
                }
            }
        }
        let transport = AsyncHTTPTransport()
        func echo(_ method: String, _ path: String, call: String?, body: String?) async throws -> String {
            let headers = call.map { [("X-Call", $0)] } ?? []
            let response = try await transport.send(OutboundRequest(method: method, url: server.base + path, headers: headers, body: body.map { Array($0.utf8) }, timeout: .seconds(5)))
            return String(decoding: response.body, as: UTF8.self)
        }
        #expect(try await echo("POST", "/echo", call: "1", body: "first") == "POST 1 first ")
        #expect(try await echo("POST", "/echo", call: "2", body: "second") == "POST 2 second ")
        #expect(try await echo("PUT", "/echo", call: "3", body: "third") == "PUT 3 third ")
        #expect(try await echo("POST", "/echo", call: nil, body: nil) == "POST none  ")
        // More distinct URLs than are kept parsed: each still reaches its own.
        for index in 0..<300 {
            #expect(try await echo("POST", "/echo?n=\(index)", call: String(index), body: "b\(index)") == "POST \(index) b\(index) n=\(index)")
        }
        try await transport.shutdown()
        await server.stop()
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

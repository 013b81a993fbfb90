import AsyncHTTPClient
import GatewayModel
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// `HTTPTransport` over async-http-client: pooled HTTPS, one deadline for the whole exchange
/// (head and body), redirects never followed.
package final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    private let maxBodyBytes: Int
    /// This target's TLS, when it differs from the client's default.
    private let tls: TLSConfiguration?
    /// Whether `shutdown` releases the client (false for a per-target view of a shared one).
    private let ownsClient: Bool
    /// Requests already parsed, by method and URL: the client parses a URL on every request,
    /// and a target calls the same few URLs again and again.
    private let parsed = Mutex<[RequestLine: HTTPClient.Request]>([:])
    /// Past this many distinct URLs (a target that puts ids in its paths), the parsed ones are dropped.
    private static let parsedLimit = 256

    private struct RequestLine: Hashable {
        let method: String
        let url: String
    }

    /// - Parameters:
    ///   - connectionsPerHost: the pool's limit per national system (the client's default of 8 is too few).
    ///   - maxBodyBytes: how much of an answer is read; the rest is dropped and the answer is judged on what was read.
    package init(connectionsPerHost: Int = 64, connectTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(30), maxBodyBytes: Int = 4 << 20) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.timeout = .init(connect: TimeAmount(connectTimeout), read: TimeAmount(readTimeout))
        configuration.decompression = .enabled(limit: .ratio(20))
        configuration.httpVersion = .http1Only
        // A redirect would re-send credentials, sessions and personal data to wherever it points,
        // and a redirect to a login page would read as success. A 3xx is an answer to classify.
        configuration.redirectConfiguration = .disallow
        // The gateway bootstraps no tracer; the default no-op one would still cost every request
        // its span and attribute work.
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
        self.tls = nil
        self.ownsClient = true
    }

    private init(sharing base: AsyncHTTPTransport, tls: TLSConfiguration) {
        self.client = base.client
        self.maxBodyBytes = base.maxBodyBytes
        self.tls = tls
        self.ownsClient = false
    }

    /// The same pooled client, with one target's TLS: its CA, its client certificate, its minimum version.
    package func using(_ tls: TLSConfiguration) -> AsyncHTTPTransport {
        AsyncHTTPTransport(sharing: self, tls: tls)
    }

    /// One exchange under one deadline that covers the head and the body: the client's
    /// delegate-based request fails at its deadline in any state, so no timer task races it.
    package func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        do {
            var headers = HTTPHeaders()
            for header in request.headers { headers.add(name: header.name, value: header.value) }
            var outbound = try parsedRequest(method: request.method, url: request.url)
            outbound.headers = headers
            outbound.body = request.body.map { .bytes($0) }
            let task = client.execute(
                request: outbound, delegate: CappedResponse(maxBodyBytes: maxBodyBytes), eventLoop: .indifferent,
                deadline: .now() + TimeAmount(request.timeout), logger: nil
            )
            return try await withTaskCancellationHandler {
                try await task.get()
            } onCancel: {
                task.cancel()
            }
        } catch let error as HTTPClientError {
            throw Self.classify(error)
        } catch let error as NIOSSLError {
            throw TransportError(.tls, "TLS: \(error)")
        } catch let error as BoringSSLError {
            throw TransportError(.tls, "TLS: \(error)")
        } catch let error as NIOConnectionError {
            throw TransportError(.connectionRefused, "connection failed: \(error.host):\(error.port)")
        } catch is CancellationError {
            throw TransportError(.connectionReset, "cancelled")
        } catch {
            throw TransportError(.other, "\(type(of: error))")
        }
    }

    /// A request for `method` and `url` with this target's TLS, without headers or body.
    private func parsedRequest(method: String, url: String) throws -> HTTPClient.Request {
        let line = RequestLine(method: method, url: url)
        if let known = parsed.withLock({ $0[line] }) { return known }
        let request = try HTTPClient.Request(url: url, method: HTTPMethod(rawValue: method), tlsConfiguration: tls)
        parsed.withLock { parsed in
            if parsed.count >= Self.parsedLimit { parsed.removeAll(keepingCapacity: true) }
            parsed[line] = request
        }
        return request
    }

    package func shutdown() async throws {
        guard ownsClient else { return }
        try await client.shutdown()
    }

    /// Maps the client's errors to transport kinds, with its short description only: the long
    /// one quotes header values, which can be tokens.
    static func classify(_ error: HTTPClientError) -> TransportError {
        switch error {
        case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
            return TransportError(.timeout, error.shortDescription)
        case .remoteConnectionClosed, .cancelled:
            return TransportError(.connectionReset, error.shortDescription)
        case .invalidURL, .emptyHost, .emptyScheme, .traceRequestWithBody:
            return TransportError(.invalidRequest, error.shortDescription)
        default:
            // Errors that carry a value compare unequal to any constant; their short description names them.
            let refusedAsBuilt = ["Unsupported scheme", "Invalid header field names", "Invalid header field values"]
            return TransportError(refusedAsBuilt.contains(error.shortDescription) ? .invalidRequest : .other, error.shortDescription)
        }
    }
}

/// Collects an answer on its event loop: the head, and at most `maxBodyBytes` of the body (the
/// rest is read and dropped, and the answer is judged on what was kept).
final class CappedResponse: HTTPClientResponseDelegate {
    typealias Response = InboundResponse

    private let maxBodyBytes: Int
    private let collected = Mutex<(status: Int, headers: [(String, String)], body: [UInt8])>((0, [], []))

    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    func didReceiveHead(task: HTTPClient.Task<InboundResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        collected.withLock { answer in
            answer.status = Int(head.status.code)
            answer.headers = head.headers.map { ($0.name, $0.value) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<InboundResponse>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        collected.withLock { answer in
            let room = maxBodyBytes - answer.body.count
            guard room > 0 else { return }
            answer.body += buffer.readableBytesView.prefix(room)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<InboundResponse>) throws -> InboundResponse {
        collected.withLock { InboundResponse(status: $0.status, headers: $0.headers, body: $0.body) }
    }
}

extension TimeAmount {
    /// The duration in nanoseconds, saturating rather than overflowing.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let limit = Int64.max / 1_000_000_000 - 1
        self = .nanoseconds(min(max(seconds, -limit), limit) * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

import AsyncHTTPClient
import GatewayCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// `HTTPTransport` over async-http-client: pooled HTTPS with per-request deadlines.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    private let maxBodyBytes: Int

    /// - Parameter connectionsPerHost: the pool's limit per national system (the client's default of 8 is too few).
    public init(connectionsPerHost: Int = 64, connectTimeout: Duration = .seconds(5), maxBodyBytes: Int = 4 << 20) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.timeout = .init(connect: TimeAmount(connectTimeout))
        configuration.decompression = .enabled(limit: .ratio(20))
        configuration.httpVersion = .http1Only
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
    }

    public func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outbound.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outbound.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(outbound, timeout: .init(request.timeout))
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return InboundResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer: body)
            )
        } catch let error as HTTPClientError {
            throw Self.classify(error)
        } catch let error as NIOConnectionError {
            throw TransportError(.connectionRefused, "\(error)")
        } catch {
            throw TransportError(.other, "\(error)")
        }
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    static func classify(_ error: HTTPClientError) -> TransportError {
        switch error {
        case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
            return TransportError(.timeout, "\(error)")
        case .remoteConnectionClosed, .cancelled:
            return TransportError(.connectionReset, "\(error)")
        default:
            return TransportError(.other, "\(error)")
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// An outbound HTTP request as adapters build it.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    public var timeout: Duration

    public init(method: String = "POST", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, timeout: Duration = .seconds(10)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// What came back.
public struct InboundResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A failure before any answer arrived.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout
        case connectionReset = "connection-reset"
        case connectionRefused = "connection-refused"
        /// The request could not be sent as built (a header value the HTTP client refuses, a bad
        /// URL): it never left the process and never will.
        case invalidRequest = "invalid-request"
        /// The TLS handshake failed: an unknown authority, a refused client certificate, a version below the floor.
        case tls
        case other = "transport"
    }

    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}

/// The seam between adapters and the HTTP client.
public protocol HTTPTransport: Sendable {
    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse
}

/// The name of a national system the gateway delivers to, such as `dvcqg`.
public struct TargetName: RawRepresentable, Hashable, Codable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: TargetName, rhs: TargetName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What one call to a national system amounted to, after its classification table.
public enum Verdict: String, Codable, Sendable {
    /// Accepted.
    case delivered
    /// Already known to the system: counts as delivered.
    case duplicate
    /// Worth trying again later.
    case retryable
    /// Will never succeed as sent.
    case permanent
    /// The session or token expired: sign in again and resend, without counting a failed attempt.
    case reauthenticate
}

/// One operation's answer, with what an operator needs to understand it.
public struct OperationAnswer: Sendable {
    public var verdict: Verdict
    public var httpStatus: Int?
    /// The system's own answer code (`error_code`, `status`, …).
    public var code: String?
    /// A masked excerpt of the answer body or of the transport error.
    public var excerpt: String
    /// How long the system asked us to wait (429/503 `Retry-After`).
    public var retryAfter: Duration?
    public var method: String
    /// The URL called, without credentials.
    public var url: String
    /// A short class name for dead letters and metrics: `http-500`, `connection-reset`, `contract`, …
    public var errorClass: String?

    public init(verdict: Verdict, httpStatus: Int? = nil, code: String? = nil, excerpt: String = "", retryAfter: Duration? = nil, method: String = "POST", url: String = "", errorClass: String? = nil) {
        self.verdict = verdict
        self.httpStatus = httpStatus
        self.code = code
        self.excerpt = excerpt
        self.retryAfter = retryAfter
        self.method = method
        self.url = url
        self.errorClass = errorClass
    }
}

/// Everything one national system needs: its mapping from our events, its auth and
/// its classification. The delivery engine calls every adapter through this protocol.
public protocol TargetAdapter: Sendable {
    var target: TargetName { get }

    /// The operations this adapter knows, for validating routing tables.
    var operations: Set<String> { get }

    /// Performs `operation` for `event` once (one attempt; it may span several calls,
    /// such as an insert resent as an update) and classifies the answer.
    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer

    /// Forgets the current session or token, so the next call signs in again.
    func invalidateCredentials() async
}

/// The name of a national system the gateway delivers to, such as `dvcqg`.
public struct TargetName: RawRepresentable, Hashable, Codable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
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

/// Whose fault a failed answer is, which decides what it means for the target's health.
public enum FailureScope: String, Sendable {
    /// This call failed: counted by the circuit breaker like any other failure.
    case call
    /// The target refused us as a whole (sign-in refused, sessions rejected again and again):
    /// the target is paused at once and no delivery is given up on for it.
    case target
    /// The request never left the process (it could not be built or encoded): no verdict on
    /// the target's health, and never worth sending again as it is.
    case local
}

/// One operation's answer, with what an operator needs to understand it.
public struct OperationAnswer: Sendable {
    public var verdict: Verdict
    /// For a failure: whether it speaks of this call, of the target, or of our own request.
    public var scope: FailureScope
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
    public var errorClass: ErrorClass?

    public init(verdict: Verdict, httpStatus: Int? = nil, code: String? = nil, excerpt: String = "", retryAfter: Duration? = nil, method: String = "POST", url: String = "", errorClass: ErrorClass? = nil, scope: FailureScope = .call) {
        self.verdict = verdict
        self.scope = scope
        self.httpStatus = httpStatus
        self.code = code.map(Redaction.answerCode)
        self.excerpt = excerpt
        self.retryAfter = retryAfter
        self.method = method
        self.url = url
        self.errorClass = errorClass
    }
}

/// Everything one national system needs: its mapping from our events, its auth and
/// its classification. The delivery engine calls every adapter through this protocol.
/// One national system's client: it maps an event to the system's requests, signs in, sends
/// and classifies the answer. The engine around it retries, paces, parks and records; an
/// adapter does none of that.
public protocol TargetAdapter: Sendable {
    var target: TargetName { get }

    /// The operations this adapter knows, for validating routing tables.
    var operations: Set<String> { get }

    /// Performs `operation` for `event` once (one attempt; it may span several calls,
    /// such as an insert resent as an update) and classifies the answer.
    /// - Parameters:
    ///   - operation: one of `operations`, as the route names it (`DongBoHoSoMC`).
    ///   - event: the dossier event being delivered.
    ///   - idempotencyKey: `dossierCode/eventId/target/operation`; the same on every attempt,
    ///     sent as `Idempotency-Key`. A call that is a different request derives its own from it.
    /// - Returns: the verdict and what the dead letter and result record need. A failed call is
    ///   an answer like any other.
    /// - Throws: `AuthenticationFailure` when no session or token could be had; the engine takes
    ///   its answer as the operation's.
    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer

    /// Performs `operation` as above, with what the adapter keeps about the event's dossier at
    /// its target (the BCA portal's accepted statuses). Adapters that keep nothing need not
    /// implement it: it calls `perform(_:for:idempotencyKey:)`. An adapter that wraps another
    /// must forward this one too, or the memory is lost on the way.
    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String, memory: any DossierMemory) async throws(AuthenticationFailure) -> OperationAnswer

    /// Forgets the session or token in use since before `callStarted`, so the next call signs in
    /// again; a token fetched after that instant was not the one refused and is kept.
    func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async
}

extension TargetAdapter {
    public func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String, memory: any DossierMemory) async throws(AuthenticationFailure) -> OperationAnswer {
        try await perform(operation, for: event, idempotencyKey: idempotencyKey)
    }
}

/// What one adapter keeps about one dossier at its target, durably: it survives retries,
/// replays and restarts, and moves with the dossier's partition to whichever instance reads it.
/// A small JSON value; nil when nothing is kept.
///
/// An adapter keeps it `finished` once the dossier's life at the target is over: the gateway
/// then holds it for its configured retention (`delivery.finishedMemoryRetentionHours`) and
/// forgets it, so that memories do not pile up over the dossiers ever seen.
public protocol DossierMemory: Sendable {
    func recall() async -> JSONValue?
    /// Keeps `value` (nil forgets), durably before it returns true; false when the gateway stops
    /// first, and the adapter must then not go on as if it were kept. `finished`: the dossier's
    /// life at the target is over.
    func keep(_ value: JSONValue?, finished: Bool) async -> Bool
}

/// A memory that keeps nothing between calls, for tools and tests that need none.
public actor TransientDossierMemory: DossierMemory {
    private var value: JSONValue?
    /// Whether the last value was kept as the dossier's last.
    public private(set) var isFinished = false
    public init(_ value: JSONValue? = nil) { self.value = value }
    public func recall() -> JSONValue? { value }
    public func keep(_ value: JSONValue?, finished: Bool) -> Bool {
        self.value = value
        isFinished = finished
        return true
    }
}

/// Why a token could not be had, as the answer to the operation that needed it.
public struct AuthenticationFailure: Error, Sendable {
    public let answer: OperationAnswer
    public init(_ answer: OperationAnswer) { self.answer = answer }

    /// A sign-in the system was too busy or down to answer is retryable like any failed call. A
    /// refused one speaks of the target as a whole (a locked account, an allow-list): the target
    /// is paused and no delivery is dead-lettered for it.
    public static func from(_ response: InboundResponse, url: String) -> AuthenticationFailure {
        let retryable = response.status == 429 || response.status >= 500 || (300..<400).contains(response.status)
        return AuthenticationFailure(OperationAnswer(
            verdict: retryable ? .retryable : .permanent,
            httpStatus: response.status,
            excerpt: Redaction.excerpt(response.body),
            retryAfter: AnswerReading.retryAfter(response),
            url: url,
            errorClass: retryable ? .tokenHTTP(response.status) : .tokenRefused,
            scope: retryable ? .call : .target
        ))
    }
}

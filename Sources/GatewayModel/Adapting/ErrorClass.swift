/// What kind of failure a call met: `dlq.error.class`, as `Contracts/records/dead-letter.md`
/// publishes it. Compared by value, written once here.
public struct ErrorClass: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The record is not a valid dossier event.
    public static let invalidEvent = ErrorClass(rawValue: "invalid-event")
    /// Waiting behind a dead-lettered event of its dossier.
    public static let parked = ErrorClass(rawValue: "parked")
    /// The event lacks a block the system needs (`land`, `civilStatus`, `interconnect`).
    public static let missingData = ErrorClass(rawValue: "missing-data")
    /// The route names an operation the adapter does not offer.
    public static let unknownOperation = ErrorClass(rawValue: "unknown-operation")
    /// The request body could not be encoded.
    public static let encoding = ErrorClass(rawValue: "encoding")
    /// The system says the session or token is no longer good.
    public static let authentication = ErrorClass(rawValue: "authentication")
    /// The system refused the gateway's sign-in (a wrong password, a locked account).
    public static let loginRefused = ErrorClass(rawValue: "login-refused")
    /// An accepted (2xx) answer that no rule of the system's table recognises: dead-lettered with
    /// the answer rather than retried blindly, so an operator can teach the table and replay.
    public static let unrecognisedAnswer = ErrorClass(rawValue: "unrecognised-answer")
    /// The token endpoint refused the gateway's credentials.
    public static let tokenRefused = ErrorClass(rawValue: "token-refused")

    /// The system answered with HTTP `status` and nothing more telling.
    public static func http(_ status: Int) -> ErrorClass { ErrorClass(rawValue: "http-\(status)") }
    /// The sign-in answered HTTP `status`: busy or down, worth retrying.
    public static func loginHTTP(_ status: Int) -> ErrorClass { ErrorClass(rawValue: "login-http-\(status)") }
    /// The token endpoint answered HTTP `status`: busy or down, worth retrying.
    public static func tokenHTTP(_ status: Int) -> ErrorClass { ErrorClass(rawValue: "token-http-\(status)") }
    /// No HTTP answer came: `timeout`, `connection-reset`, `connection-refused`, `invalid-request`, ….
    public static func transport(_ kind: TransportError.Kind) -> ErrorClass { ErrorClass(rawValue: kind.rawValue) }
}

extension OperationAnswer {
    /// The answer to an operation the adapter of `system` does not offer.
    public static func unknownOperation(_ operation: String, of system: String) -> OperationAnswer {
        OperationAnswer(verdict: .permanent, excerpt: "unknown \(system) operation \(operation)", errorClass: .unknownOperation, scope: .local)
    }

    /// The answer to an event that lacks what the system needs; `detail` says what.
    public static func missingData(_ detail: String) -> OperationAnswer {
        OperationAnswer(verdict: .permanent, excerpt: detail, errorClass: .missingData, scope: .local)
    }
}

import Foundation
import GatewayModel

/// A bearer token and when it stops being good.
public struct AccessToken: Sendable {
    public var value: String
    public var expiresAt: ContinuousClock.Instant

    public init(value: String, expiresAt: ContinuousClock.Instant) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// A token good for `seconds` as a remote system stated it, clamped to 60 s … 24 h so that
    /// no answer, however odd (`1e16`, `inf`, negative), can trap or keep a token for ever.
    public init(value: String, lifetimeSeconds seconds: Double?, default fallback: Int = 300) {
        let stated = seconds.flatMap { $0.isFinite ? $0 : nil } ?? Double(fallback)
        let clamped = Int(min(max(stated, 60), 86_400))
        self.init(value: value, expiresAt: .now + .seconds(clamped))
    }
}

/// Holds a system's token: one fetch at a time however many callers wait, reused until
/// shortly before it expires, dropped on demand when the system says it is no longer valid.
public actor TokenCache {
    public typealias Fetch = @Sendable () async -> Result<AccessToken, AuthenticationFailure>

    private let fetch: Fetch
    private let refreshMargin: Duration
    private var token: (value: AccessToken, fetchedAt: ContinuousClock.Instant)?
    private var pending: Task<Result<AccessToken, AuthenticationFailure>, Never>?
    /// Tokens fetched so far.
    public private(set) var fetches = 0

    /// - Parameters:
    ///   - refreshMargin: how long before its expiry a token is fetched again.
    ///   - fetch: signs in; called by one task at a time, however many wait for the token.
    public init(refreshMargin: Duration = .seconds(30), fetch: @escaping Fetch) {
        self.refreshMargin = refreshMargin
        self.fetch = fetch
    }

    /// The token to send, fetched when there is none or it is about to expire.
    /// - Throws: the sign-in's failure, whose answer becomes the operation's.
    public func token() async throws(AuthenticationFailure) -> String {
        try await current().get()
    }

    public func current() async -> Result<String, AuthenticationFailure> {
        if let token, ContinuousClock.now + refreshMargin < token.value.expiresAt { return .success(token.value.value) }
        if let pending { return await pending.value.map(\.value) }
        let started = ContinuousClock.now
        let task = Task { await fetch() }
        pending = task
        let result = await task.value
        pending = nil
        fetches += 1
        if case .success(let fresh) = result { token = (fresh, started) }
        return result.map(\.value)
    }

    /// Drops the token unless it was fetched after `callStarted`: a call that was refused can only
    /// have used a token that existed when it began, so a fresher one another call has just
    /// fetched is kept.
    public func invalidate(usedSince callStarted: ContinuousClock.Instant) {
        guard let token, token.fetchedAt <= callStarted else { return }
        self.token = nil
    }
}

/// OAuth2 client credentials (RFC 6749 §4.4): `client_id` and `client_secret` in HTTP Basic,
/// `grant_type=client_credentials` in the form body; answer `{access_token, expires_in, token_type}`.
public struct ClientCredentials: Sendable {
    public let tokenURL: String
    public let clientID: String
    public let clientSecret: Secret
    public let scope: String?
    public let timeout: Duration

    public init(tokenURL: String, clientID: String, clientSecret: Secret, scope: String? = nil, timeout: Duration) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.timeout = timeout
    }

    public func fetch(with transport: any HTTPTransport) async -> Result<AccessToken, AuthenticationFailure> {
        var form = "grant_type=client_credentials"
        if let scope, let encoded = scope.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { form += "&scope=\(encoded)" }
        let basic = Data("\(clientID):\(clientSecret.value)".utf8).base64EncodedString()
        let request = OutboundRequest(
            url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(basic)")],
            body: Array(form.utf8), timeout: timeout
        )
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(AuthenticationFailure(AnswerReading.transportFailure(error, url: tokenURL)))
        }
        let answer = AnswerBody(response.body)
        guard response.status == 200, let token = answer.text("access_token"), !token.isEmpty else {
            return .failure(.from(response, url: tokenURL))
        }
        let lifetime = answer.text("expires_in").flatMap(Double.init)
        return .success(AccessToken(value: token, lifetimeSeconds: lifetime))
    }
}

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

/// An OAuth2 token request (RFC 6749): client credentials (§4.4) or the resource owner's
/// password (§4.3, as ILIS asks). `client_id` and `client_secret` go in HTTP Basic, the grant in
/// the form body; the answer is `{access_token, expires_in, token_type}`.
public struct ClientCredentials: Sendable {
    public enum Grant: Sendable {
        case clientCredentials
        case password(username: String, password: Secret)
    }

    public let tokenURL: String
    public let clientID: String
    public let clientSecret: Secret?
    public let grant: Grant
    public let scope: String?
    public let timeout: Duration

    public init(tokenURL: String, clientID: String, clientSecret: Secret?, grant: Grant = .clientCredentials, scope: String? = nil, timeout: Duration) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.grant = grant
        self.scope = scope
        self.timeout = timeout
    }

    public func fetch(with transport: any HTTPTransport) async -> Result<AccessToken, AuthenticationFailure> {
        var form: [(name: String, value: String)]
        switch grant {
        case .clientCredentials: form = [("grant_type", "client_credentials")]
        case .password(let username, let password): form = [("grant_type", "password"), ("username", username), ("password", password.value)]
        }
        if let scope { form.append(("scope", scope)) }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/x-www-form-urlencoded")]
        if let clientSecret {
            headers.append(("Authorization", "Basic \(Data("\(clientID):\(clientSecret.value)".utf8).base64EncodedString())"))
        } else {
            form.append(("client_id", clientID))
        }
        let request = OutboundRequest(url: tokenURL, headers: headers, body: Array(FormEncoding.encode(form).utf8), timeout: timeout)
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

/// How a system that may sit behind an OAuth2 token endpoint signs in, as `connection` says:
/// `auth` is `none` (what public clients do for VBDLIS and the civil registry),
/// `client-credentials`, or `password` (ILIS).
public struct OAuth2Settings: Codable, Sendable, Equatable {
    public enum Auth: String, Codable, Sendable {
        case none
        case clientCredentials = "client-credentials"
        case password
    }

    public var auth: Auth
    /// The token endpoint's full URL.
    public var tokenURL: String?
    public var clientId: String?
    public var clientSecret: SecretSource?
    /// For the password grant.
    public var username: String?
    public var password: SecretSource?
    public var scope: String?

    public init(auth: Auth = .none, tokenURL: String? = nil, clientId: String? = nil, clientSecret: SecretSource? = nil, username: String? = nil, password: SecretSource? = nil, scope: String? = nil) {
        self.auth = auth
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.username = username
        self.password = password
        self.scope = scope
    }

    /// The token request these settings make, secrets read; none when `auth` is `none`.
    /// - Throws: `ConfigurationError` naming what the chosen grant lacks, under `target`.
    public func tokenRequest(for target: TargetName, environment: [String: String], timeout: Duration) throws -> ClientCredentials? {
        let prefix = "targets.\(target).connection"
        switch auth {
        case .none:
            return nil
        case .clientCredentials:
            guard let tokenURL, let clientId, let clientSecret else {
                throw ConfigurationError("\(prefix): client-credentials auth needs tokenURL, clientId and clientSecret")
            }
            return ClientCredentials(tokenURL: tokenURL, clientID: clientId, clientSecret: try clientSecret.resolve(environment: environment), scope: scope, timeout: timeout)
        case .password:
            guard let tokenURL, let clientId, let username, let password else {
                throw ConfigurationError("\(prefix): password auth needs tokenURL, clientId, username and password")
            }
            return ClientCredentials(
                tokenURL: tokenURL, clientID: clientId, clientSecret: try clientSecret?.resolve(environment: environment),
                grant: .password(username: username, password: try password.resolve(environment: environment)), scope: scope, timeout: timeout
            )
        }
    }
}

/// A token cache for an optional OAuth2 sign-in, and the header it adds to a call.
public struct OptionalBearer: Sendable {
    public let tokens: TokenCache?

    public init(_ request: ClientCredentials?, transport: any HTTPTransport) {
        tokens = request.map { request in TokenCache { await request.fetch(with: transport) } }
    }

    /// `Authorization: Bearer …` when there is a sign-in; nothing otherwise.
    public func headers() async throws(AuthenticationFailure) -> [(name: String, value: String)] {
        guard let tokens else { return [] }
        return [("Authorization", "Bearer \(try await tokens.token())")]
    }

    public func invalidate(usedSince callStarted: ContinuousClock.Instant) async {
        await tokens?.invalidate(usedSince: callStarted)
    }
}

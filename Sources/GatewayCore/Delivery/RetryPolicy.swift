import GatewayModel

/// How a target's failed calls are retried: exponential backoff with full jitter
/// under a ceiling, a bounded number of attempts and a time budget.
///
/// Times are `Duration`s; the configuration file gives them in milliseconds
/// (`initialBackoffMilliseconds`, …), and a key left out keeps its default.
package struct RetryPolicy: Codable, Sendable, Equatable {
    /// Attempts in all, the first included.
    package var maxAttempts: Int
    package var initialBackoff: Duration
    package var maxBackoff: Duration
    /// Total time a delivery may spend retrying before it is dead-lettered.
    package var budget: Duration
    /// The longest `Retry-After` honoured.
    package var maxRetryAfter: Duration
    /// Re-authentications allowed per delivery; they do not count as attempts.
    package var maxReauthentications: Int

    package init(
        maxAttempts: Int = 6, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(10), budget: Duration = .seconds(120),
        maxRetryAfter: Duration = .seconds(30), maxReauthentications: Int = 2
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.budget = budget
        self.maxRetryAfter = maxRetryAfter
        self.maxReauthentications = maxReauthentications
    }

    package static let `default` = RetryPolicy()

    private enum CodingKeys: String, CodingKey {
        case maxAttempts, initialBackoffMilliseconds, maxBackoffMilliseconds, budgetMilliseconds, maxRetryAfterMilliseconds, maxReauthentications
    }

    package init(from decoder: any Decoder) throws {
        let defaults = RetryPolicy()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? defaults.maxAttempts
        initialBackoff = try container.decodeMilliseconds(.initialBackoffMilliseconds) ?? defaults.initialBackoff
        maxBackoff = try container.decodeMilliseconds(.maxBackoffMilliseconds) ?? defaults.maxBackoff
        budget = try container.decodeMilliseconds(.budgetMilliseconds) ?? defaults.budget
        maxRetryAfter = try container.decodeMilliseconds(.maxRetryAfterMilliseconds) ?? defaults.maxRetryAfter
        maxReauthentications = try container.decodeIfPresent(Int.self, forKey: .maxReauthentications) ?? defaults.maxReauthentications
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maxAttempts, forKey: .maxAttempts)
        try container.encode(initialBackoff.wholeMilliseconds, forKey: .initialBackoffMilliseconds)
        try container.encode(maxBackoff.wholeMilliseconds, forKey: .maxBackoffMilliseconds)
        try container.encode(budget.wholeMilliseconds, forKey: .budgetMilliseconds)
        try container.encode(maxRetryAfter.wholeMilliseconds, forKey: .maxRetryAfterMilliseconds)
        try container.encode(maxReauthentications, forKey: .maxReauthentications)
    }

    /// The wait before attempt `failedAttempts + 1`: random in [0, min(ceiling, initial·2^(n−1))],
    /// or the system's `Retry-After` when it asked for one, up to the cap.
    package func delay(afterFailedAttempts failedAttempts: Int, retryAfter: Duration?, random: (ClosedRange<Int>) -> Int = { Int.random(in: $0) }) -> Duration {
        if let retryAfter {
            return min(retryAfter, maxRetryAfter)
        }
        let exponent = min(max(failedAttempts - 1, 0), 30)
        let ceiling = min(maxBackoff.wholeMilliseconds, initialBackoff.wholeMilliseconds << exponent)
        return .milliseconds(random(0...max(0, ceiling)))
    }
}

extension Duration {
    /// The duration in whole milliseconds, as the configuration file and log lines give times.
    package var wholeMilliseconds: Int {
        Int(components.seconds) * 1_000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}

extension KeyedDecodingContainer {
    /// A time the file gives in whole milliseconds; nil when the key is absent.
    func decodeMilliseconds(_ key: Key) throws -> Duration? {
        try decodeIfPresent(Int.self, forKey: key).map { .milliseconds($0) }
    }
}

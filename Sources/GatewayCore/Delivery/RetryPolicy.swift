import GatewayModel

/// How a target's failed calls are retried: exponential backoff with full jitter
/// under a ceiling, a bounded number of attempts and a time budget.
package struct RetryPolicy: Codable, Sendable, Equatable {
    /// Attempts in all, the first included.
    package var maxAttempts: Int
    package var initialBackoffMilliseconds: Int
    package var maxBackoffMilliseconds: Int
    /// Total time a delivery may spend retrying before it is dead-lettered.
    package var budgetMilliseconds: Int
    /// The longest `Retry-After` honoured.
    package var maxRetryAfterMilliseconds: Int
    /// Re-authentications allowed per delivery; they do not count as attempts.
    package var maxReauthentications: Int

    package init(maxAttempts: Int = 6, initialBackoffMilliseconds: Int = 200, maxBackoffMilliseconds: Int = 10_000, budgetMilliseconds: Int = 120_000, maxRetryAfterMilliseconds: Int = 30_000, maxReauthentications: Int = 2) {
        self.maxAttempts = maxAttempts
        self.initialBackoffMilliseconds = initialBackoffMilliseconds
        self.maxBackoffMilliseconds = maxBackoffMilliseconds
        self.budgetMilliseconds = budgetMilliseconds
        self.maxRetryAfterMilliseconds = maxRetryAfterMilliseconds
        self.maxReauthentications = maxReauthentications
    }

    package static let `default` = RetryPolicy()

    /// The wait before attempt `failedAttempts + 1`: random in [0, min(ceiling, initial·2^(n−1))],
    /// or the system's `Retry-After` when it asked for one, up to the cap.
    package func delay(afterFailedAttempts failedAttempts: Int, retryAfter: Duration?, random: (ClosedRange<Int>) -> Int = { Int.random(in: $0) }) -> Duration {
        if let retryAfter {
            return min(retryAfter, .milliseconds(maxRetryAfterMilliseconds))
        }
        let exponent = min(max(failedAttempts - 1, 0), 30)
        let ceiling = min(maxBackoffMilliseconds, initialBackoffMilliseconds << exponent)
        return .milliseconds(random(0...max(0, ceiling)))
    }
}

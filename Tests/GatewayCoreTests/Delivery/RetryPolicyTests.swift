import GatewayCore
import GatewayModel
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(1_000), budget: .milliseconds(60_000), maxRetryAfter: .milliseconds(5_000))

    @Test func ceilingGrowsExponentiallyUpToTheCap() {
        let highest = { (failures: Int) in policy.delay(afterFailedAttempts: failures, retryAfter: nil) { $0.upperBound } }
        #expect(highest(1) == .milliseconds(100))
        #expect(highest(2) == .milliseconds(200))
        #expect(highest(4) == .milliseconds(800))
        #expect(highest(5) == .milliseconds(1_000))
        #expect(highest(40) == .milliseconds(1_000))
    }

    @Test func jitterIsFullFromZero() {
        #expect(policy.delay(afterFailedAttempts: 3, retryAfter: nil) { $0.lowerBound } == .zero)
        for _ in 0..<200 {
            let delay = policy.delay(afterFailedAttempts: 3, retryAfter: nil)
            #expect(delay >= .zero && delay <= .milliseconds(400))
        }
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        #expect(policy.delay(afterFailedAttempts: 1, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(afterFailedAttempts: 1, retryAfter: .seconds(60)) == .milliseconds(5_000))
    }
}

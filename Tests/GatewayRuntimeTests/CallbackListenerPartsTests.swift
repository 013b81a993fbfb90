import Foundation
import Testing
@testable import GatewayRuntime

/// The callback listener's small parts: the rate of each source, and the ids remembered.
@Suite struct CallbackListenerPartsTests {
    @Test func eachSourceGetsItsBurstThenItsRate() {
        let limiter = SourceRateLimiter(rate: 2, burst: 3)
        let start = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in limiter.admit("10.0.0.1", now: start) })
        #expect(!limiter.admit("10.0.0.1", now: start), "the burst is spent")
        #expect(limiter.admit("10.0.0.2", now: start), "another source has its own")
        #expect(limiter.admit("10.0.0.1", now: start + .milliseconds(500)), "a token comes back at the rate")
        #expect(!limiter.admit("10.0.0.1", now: start + .milliseconds(600)))
    }

    @Test func theOldestIDsAreForgottenFirst() {
        let recent = RecentIDs(capacity: 3)
        for id in ["a", "b", "c", "a", "d"] { recent.insert(id) }
        #expect(!recent.contains("a") && recent.contains("b") && recent.contains("c") && recent.contains("d"))
        recent.insert("e")
        #expect(!recent.contains("b") && recent.contains("e"))
    }
}

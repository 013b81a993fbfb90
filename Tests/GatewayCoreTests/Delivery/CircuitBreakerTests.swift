import GatewayCore
import GatewayModel
import Logging
import Testing

@Suite(.timeLimit(.minutes(1))) struct CircuitBreakerTests {
    let policy = BreakerPolicy(window: .milliseconds(10_000), minimumCalls: 10, failureRatio: 0.6, consecutiveFailures: 3, initialPause: .milliseconds(100), maxPause: .milliseconds(400))

    func breaker(_ policy: BreakerPolicy? = nil) -> CircuitBreaker {
        CircuitBreaker(target: "t", policy: policy ?? self.policy, logger: Logger(label: "test"))
    }

    /// Records `count` failures of calls admitted while closed; returns whether the last one opened it.
    @discardableResult
    func fail(_ breaker: CircuitBreaker, _ count: Int) async -> Bool {
        var opened = false
        for _ in 0..<count {
            guard let permit = await breaker.admit() else { return false }
            opened = await breaker.record(permit, .failed(detail: "503"))
        }
        return opened
    }

    @Test func opensOnConsecutiveFailuresAndClosesAfterASuccessfulProbe() async throws {
        let breaker = breaker()
        #expect(await fail(breaker, 2) == false)
        #expect(await fail(breaker, 1) == true)
        #expect(await breaker.state == .open)

        let started = ContinuousClock.now
        let probe = try #require(await breaker.admit())
        #expect(probe.isProbe)
        #expect(started.duration(to: .now) >= .milliseconds(90), "the probe waits out the pause")
        #expect(await breaker.state == .probing)
        #expect(await breaker.record(probe, .succeeded) == false)
        #expect(await breaker.state == .closed)
        #expect(await breaker.openings == 1)
    }

    @Test func aFailedProbeDoublesThePauseUpToItsCeiling() async throws {
        let breaker = breaker()
        await fail(breaker, 3)
        var pauses: [Duration] = [await breaker.pause]
        for _ in 0..<3 {
            let probe = try #require(await breaker.admit())
            #expect(await breaker.record(probe, .failed(detail: "503")) == true)
            pauses.append(await breaker.pause)
        }
        #expect(pauses == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(400)])
        let probe = try #require(await breaker.admit())
        await breaker.record(probe, .succeeded)
        #expect(await breaker.pause == .milliseconds(100), "a successful probe resets the pause")
    }

    @Test func aHighFailureRatioOpensEvenWithSuccessesBetween() async {
        let breaker = breaker()
        var opened = false
        for index in 0..<12 where !opened {
            guard let permit = await breaker.admit() else { break }
            opened = await breaker.record(permit, index % 3 != 0 ? .failed(detail: "500") : .succeeded)
        }
        #expect(opened, "7 of 11 failed, above the 0.6 ratio, never 3 in a row")
    }

    @Test func successesKeepItClosed() async {
        let breaker = breaker()
        for index in 0..<30 {
            guard let permit = await breaker.admit() else { break }
            await breaker.record(permit, index % 2 == 0 ? .failed(detail: "500") : .succeeded)
        }
        #expect(await breaker.state == .closed)
    }

    @Test func aRefusalByTheTargetOpensAtOnce() async throws {
        let breaker = breaker()
        let permit = try #require(await breaker.admit())
        #expect(await breaker.record(permit, .targetRefused(detail: "login refused")) == true)
        #expect(await breaker.state == .open)
    }

    @Test func anAnswerToACallAdmittedBeforeTheOpeningDecidesNothing() async throws {
        let breaker = breaker()
        let early = try #require(await breaker.admit())
        await fail(breaker, 3)
        let probe = try #require(await breaker.admit())
        #expect(await breaker.record(early, .succeeded) == false)
        #expect(await breaker.state == .probing, "only the probe's own answer closes the breaker")
        await breaker.record(probe, .failed(detail: "503"))
        #expect(await breaker.state == .open)
    }

    @Test func aDeliveryThatFailedTheProbeLetsAnotherProbeNext() async throws {
        let breaker = breaker(BreakerPolicy(consecutiveFailures: 1, initialPause: .milliseconds(10), maxPause: .milliseconds(10)))
        await fail(breaker, 1)
        let firstProbe = try #require(await breaker.admit(for: "poison"))
        await breaker.record(firstProbe, .failed(detail: "500"))
        let other = Task { await breaker.admit(for: "healthy") }
        try await Task.sleep(for: .milliseconds(2))
        let poisonAgain = Task { await breaker.admit(for: "poison") }
        let otherPermit = try #require(await other.value)
        #expect(otherPermit.isProbe, "the other delivery probes next")
        await breaker.record(otherPermit, .succeeded)
        let poisonPermit = try #require(await poisonAgain.value)
        #expect(!poisonPermit.isProbe, "the breaker closed; the poison delivery goes on as an ordinary call")
    }

    @Test func aWaitingCallerIsReleasedWhenCancelled() async throws {
        let breaker = breaker(BreakerPolicy(consecutiveFailures: 1, initialPause: .milliseconds(60_000), maxPause: .milliseconds(60_000)))
        await fail(breaker, 1)
        let waiting = Task { await breaker.admit() }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await waiting.value == nil)
    }

    @Test func rateLimiterSpacesCallsAfterTheBurst() async {
        let limiter = RateLimiter(perSecond: 50, burst: 5)
        let started = ContinuousClock.now
        for _ in 0..<15 { _ = await limiter.acquire() }
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(180), "10 calls past the burst at 50/s take at least 200 ms, less timer slack")
    }

    @Test func rateLimiterTakesAnyRateWithoutTrapping() async {
        #expect(await RateLimiter(perSecond: 1e-300, burst: 1).acquire())
        #expect(await RateLimiter(perSecond: .infinity, burst: 1).acquire())
        #expect(await RateLimiter(perSecond: .nan, burst: 1).acquire())
    }
}

import Foundation
import GatewayCore
import Logging
import Synchronization
import Testing

/// An adapter whose answers a test scripts, recording what it was asked.
final class ScriptedAdapter: TargetAdapter {
    let target: TargetName
    let operations: Set<String> = ["op", "second"]
    private let state = Mutex<(answers: [Verdict], calls: [(dossier: String, event: String, key: String)], logins: Int)>(([], [], 0))
    private let delay: Duration

    init(target: TargetName = "scripted", answers: [Verdict] = [], delay: Duration = .zero) {
        self.target = target
        state.withLock { $0.answers = answers }
        self.delay = delay
    }

    var calls: [(dossier: String, event: String, key: String)] { state.withLock { $0.calls } }
    var invalidations: Int { state.withLock { $0.logins } }

    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        if delay > .zero { try? await Task.sleep(for: delay) }
        let verdict = state.withLock { state -> Verdict in
            state.calls.append((event.dossierCode, event.id, idempotencyKey))
            return state.answers.isEmpty ? .delivered : state.answers.removeFirst()
        }
        return OperationAnswer(verdict: verdict, httpStatus: verdict == .delivered ? 200 : 500)
    }

    func invalidateCredentials() async { state.withLock { $0.logins += 1 } }
}

@Suite struct DeliveryEngineTests {
    let fast = RetryPolicy(maxAttempts: 4, initialBackoffMilliseconds: 1, maxBackoffMilliseconds: 2, budgetMilliseconds: 10_000, maxRetryAfterMilliseconds: 10, maxReauthentications: 2)

    func event(_ dossier: Int, _ step: Int) throws -> DossierEvent {
        var event = try Fixtures.event("received")
        event.data.dossierCode = "000.00.12.H13-250711-\(String(format: "%05d", dossier))"
        event.subject = event.data.dossierCode
        event.id = "e-\(dossier)-\(step)"
        return event
    }

    func run(_ adapter: ScriptedAdapter, _ events: [DossierEvent], maxInFlight: Int = 8, operations: [String] = ["op"]) async -> [DeliveryOutcome] {
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: maxInFlight)], logger: Logger(label: "test"))
        let outcomes = Mutex<[DeliveryOutcome]>([])
        for (index, event) in events.enumerated() {
            await engine.submit(Delivery(event: event, target: "scripted", operations: operations, origin: Fixtures.origin(offset: Int64(index)))) { outcome in
                outcomes.withLock { $0.append(outcome) }
            }
        }
        while outcomes.withLock({ $0.count }) < events.count { try? await Task.sleep(for: .milliseconds(2)) }
        return outcomes.withLock { $0 }
    }

    @Test func keepsEachDossiersOrderWhileDossiersRunSideBySide() async throws {
        let adapter = ScriptedAdapter(delay: .milliseconds(2))
        var events: [DossierEvent] = []
        for step in 0..<5 { for dossier in 0..<6 { events.append(try event(dossier, step)) } }
        let outcomes = await run(adapter, events, maxInFlight: 4)
        #expect(outcomes.count == 30)
        #expect(outcomes.allSatisfy { $0.status == .delivered })
        for dossier in 0..<6 {
            let code = "000.00.12.H13-250711-\(String(format: "%05d", dossier))"
            #expect(adapter.calls.filter { $0.dossier == code }.map(\.event) == (0..<5).map { "e-\(dossier)-\($0)" })
        }
    }

    @Test func retriesKeepTheIdempotencyKeyAndCountAttempts() async throws {
        let adapter = ScriptedAdapter(answers: [.retryable, .retryable, .retryable])
        let outcomes = await run(adapter, [try event(1, 0)])
        #expect(outcomes.first?.status == .delivered)
        #expect(outcomes.first?.attempts == 4)
        #expect(Set(adapter.calls.map(\.key)) == ["e-1-0/scripted/op"])
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let adapter = ScriptedAdapter(answers: Array(repeating: .retryable, count: 10))
        let outcome = try #require(await run(adapter, [try event(1, 0)]).first)
        #expect(outcome.status == .deadLettered)
        #expect(outcome.reason == "retries-exhausted")
        #expect(outcome.attempts == 4)
    }

    @Test func permanentFailureIsNotRetried() async throws {
        let adapter = ScriptedAdapter(answers: [.permanent])
        let outcome = try #require(await run(adapter, [try event(1, 0)]).first)
        #expect(outcome.status == .deadLettered)
        #expect(outcome.reason == "permanent")
        #expect(adapter.calls.count == 1)
    }

    @Test func reauthenticationDoesNotCountAsAnAttempt() async throws {
        let adapter = ScriptedAdapter(answers: [.reauthenticate, .retryable, .retryable, .retryable])
        let outcome = try #require(await run(adapter, [try event(1, 0)]).first)
        #expect(outcome.status == .delivered)
        #expect(outcome.attempts == 4)
        #expect(adapter.invalidations == 1)
    }

    @Test func operationsRunInOrderAndDuplicatesAloneMakeADuplicate() async throws {
        let adapter = ScriptedAdapter(answers: [.duplicate, .duplicate])
        let outcome = try #require(await run(adapter, [try event(1, 0)], operations: ["op", "second"]).first)
        #expect(outcome.status == .duplicate)
        #expect(adapter.calls.map(\.key) == ["e-1-0/scripted/op", "e-1-0/scripted/second"])
    }

    @Test func aStuckTargetNeverDelaysAnother() async throws {
        let stuck = ScriptedAdapter(target: "stuck", answers: Array(repeating: .retryable, count: 10_000))
        let healthy = ScriptedAdapter(target: "healthy")
        let patient = RetryPolicy(maxAttempts: 1_000, initialBackoffMilliseconds: 50, maxBackoffMilliseconds: 50, budgetMilliseconds: 600_000, maxRetryAfterMilliseconds: 50, maxReauthentications: 0)
        let engine = DeliveryEngine(
            adapters: [stuck, healthy],
            settings: ["stuck": TargetSettings(retry: patient, maxInFlight: 2), "healthy": TargetSettings(retry: fast, maxInFlight: 2)],
            logger: Logger(label: "test")
        )
        let delivered = Mutex<[TargetName: Int]>([:])
        for index in 0..<40 {
            let event = try event(index, 0)
            for target: TargetName in ["stuck", "healthy"] {
                await engine.submit(Delivery(event: event, target: target, operations: ["op"], origin: Fixtures.origin(offset: Int64(index)))) { outcome in
                    delivered.withLock { $0[outcome.delivery.target, default: 0] += 1 }
                }
            }
        }
        let end = ContinuousClock.now + .seconds(10)
        while delivered.withLock({ $0["healthy", default: 0] }) < 40, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(5)) }
        #expect(delivered.withLock { $0 } == ["healthy": 40], "all 40 reach the healthy target while the stuck one holds every delivery")
        #expect(!stuck.calls.isEmpty, "the stuck target was being retried all along")
        await engine.shutdown(deadline: .milliseconds(100))
    }

    @Test func aDeadLetterParksItsDossierAndLaterEventsWaitBehindIt() async throws {
        let adapter = ScriptedAdapter(answers: [.permanent])
        let outcomes = await run(adapter, [try event(1, 0), try event(1, 1), try event(2, 0)], maxInFlight: 1)
        let byEvent = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.delivery.event.id, $0) })
        #expect(byEvent["e-1-0"]?.status == .deadLettered)
        #expect(byEvent["e-1-1"]?.status == .parked)
        #expect(byEvent["e-1-1"]?.parkedBehind?.eventId == "e-1-0")
        #expect(byEvent["e-2-0"]?.status == .delivered, "other dossiers keep flowing")
        #expect(adapter.calls.map(\.event) == ["e-1-0", "e-2-0"], "a parked event is never sent")
    }
}

@Suite struct CircuitBreakerTests {
    let policy = BreakerPolicy(windowMilliseconds: 10_000, minimumCalls: 10, failureRatio: 0.6, consecutiveFailures: 3, initialPauseMilliseconds: 100, maxPauseMilliseconds: 400)

    @Test func opensOnConsecutiveFailuresAndClosesAfterASuccessfulProbe() async {
        let breaker = CircuitBreaker(target: "t", policy: policy, logger: Logger(label: "test"))
        #expect(await breaker.record(failed: true) == false)
        #expect(await breaker.record(failed: true) == false)
        #expect(await breaker.record(failed: true) == true)
        #expect(await breaker.state == .open)

        let started = ContinuousClock.now
        #expect(await breaker.admit())
        #expect(started.duration(to: .now) >= .milliseconds(100), "the probe waits out the pause")
        #expect(await breaker.state == .probing)
        #expect(await breaker.record(failed: false) == false)
        #expect(await breaker.state == .closed)
        #expect(await breaker.openings == 1)
    }

    @Test func aFailedProbeDoublesThePauseUpToItsCeiling() async {
        let breaker = CircuitBreaker(target: "t", policy: policy, logger: Logger(label: "test"))
        for _ in 0..<3 { await breaker.record(failed: true) }
        var pauses: [Duration] = [await breaker.pause]
        for _ in 0..<3 {
            _ = await breaker.admit()
            #expect(await breaker.record(failed: true) == true)
            pauses.append(await breaker.pause)
        }
        #expect(pauses == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(400)])
        _ = await breaker.admit()
        await breaker.record(failed: false)
        #expect(await breaker.pause == .milliseconds(100), "a successful probe resets the pause")
    }

    @Test func aHighFailureRatioOpensEvenWithSuccessesBetween() async {
        let breaker = CircuitBreaker(target: "t", policy: policy, logger: Logger(label: "test"))
        var opened = false
        for index in 0..<12 where !opened { opened = await breaker.record(failed: index % 3 != 0) }
        #expect(opened, "7 of 11 failed, above the 0.6 ratio, never 3 in a row")
    }

    @Test func successesKeepItClosed() async {
        let breaker = CircuitBreaker(target: "t", policy: policy, logger: Logger(label: "test"))
        for index in 0..<30 { await breaker.record(failed: index % 2 == 0) }
        #expect(await breaker.state == .closed)
    }

    @Test func rateLimiterSpacesCallsAfterTheBurst() async {
        let limiter = RateLimiter(perSecond: 50, burst: 5)
        let started = ContinuousClock.now
        for _ in 0..<15 { _ = await limiter.acquire() }
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(180), "10 calls past the burst at 50/s take at least 200 ms, less timer slack")
    }
}

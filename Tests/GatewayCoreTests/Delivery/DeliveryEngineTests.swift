import Foundation
import GatewayCore
import GatewayModel
import Logging
import Synchronization
import Testing

/// An adapter whose answers a test scripts, recording what it was asked.
final class ScriptedAdapter: TargetAdapter {
    let target: TargetName
    let operations: Set<String> = ["op", "second"]
    private let state = Mutex<(answers: [OperationAnswer], calls: [(dossier: String, event: String, key: String)], logins: Int)>(([], [], 0))
    private let delay: Duration
    /// Answers for one event id whatever the script says: a poison event.
    private let always: (eventId: String, answer: OperationAnswer)?

    convenience init(target: TargetName = "scripted", answers: [Verdict] = [], delay: Duration = .zero) {
        self.init(target: target, script: answers.map(Self.answer), delay: delay)
    }

    init(target: TargetName = "scripted", script: [OperationAnswer], delay: Duration = .zero, always: (eventId: String, answer: OperationAnswer)? = nil) {
        self.target = target
        state.withLock { $0.answers = script }
        self.delay = delay
        self.always = always
    }

    static func answer(_ verdict: Verdict) -> OperationAnswer {
        OperationAnswer(verdict: verdict, httpStatus: verdict == .delivered || verdict == .duplicate ? 200 : verdict == .reauthenticate ? 401 : 500)
    }

    var calls: [(dossier: String, event: String, key: String)] { state.withLock { $0.calls } }
    var invalidations: Int { state.withLock { $0.logins } }

    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer {
        let answer = state.withLock { state -> OperationAnswer in
            state.calls.append((event.dossierCode, event.id, idempotencyKey))
            if let always, always.eventId == event.id { return always.answer }
            return state.answers.isEmpty ? Self.answer(.delivered) : state.answers.removeFirst()
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        return answer
    }

    func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async { state.withLock { $0.logins += 1 } }
}

/// Accepts every record at once, as if Kafka had acknowledged it.
struct DiscardedRecords: OutcomeRecords {
    func record(_ outcome: DeliveryOutcome) async -> Bool { true }
}

extension OutcomeWriter {
    /// A writer over in-memory parking and marks, as the engine's tests need.
    static func inMemory(parking: any ParkingLot, marks: any DeliveryMarks = InMemoryDeliveryMarks()) -> OutcomeWriter {
        OutcomeWriter(parking: parking, marks: marks, records: DiscardedRecords(), logger: Logger(label: "test"))
    }
}

@Suite struct DeliveryEngineTests {
    let fast = RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(2), budget: .milliseconds(10_000), maxRetryAfter: .milliseconds(10), maxReauthentications: 2)

    func run(_ adapter: ScriptedAdapter, _ events: [DossierEvent], maxInFlight: Int = 8, operations: [String] = ["op"]) async -> [DeliveryOutcome] {
        let parking = InMemoryParkingLot()
        let writer = OutcomeWriter.inMemory(parking: parking)
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: maxInFlight)], parking: parking, logger: Logger(label: "test"))
        let outcomes = Mutex<[DeliveryOutcome]>([])
        for (index, event) in events.enumerated() {
            await engine.submit(Delivery(event: event, target: "scripted", operations: operations, origin: Fixtures.origin(offset: Int64(index)))) { outcome in
                _ = await writer.write(outcome)
                outcomes.withLock { $0.append(outcome) }
            }
        }
        while outcomes.withLock({ $0.count }) < events.count { try? await Task.sleep(for: .milliseconds(2)) }
        return outcomes.withLock { $0 }
    }

    @Test func keepsEachDossiersOrderWhileDossiersRunSideBySide() async throws {
        let adapter = ScriptedAdapter(delay: .milliseconds(2))
        var events: [DossierEvent] = []
        for step in 0..<5 { for dossier in 0..<6 { events.append(try Fixtures.event(dossier: dossier, step: step)) } }
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
        let outcomes = await run(adapter, [try Fixtures.event(dossier: 1, step: 0)])
        #expect(outcomes.first?.status == .delivered)
        #expect(outcomes.first?.attempts == 4)
        #expect(Set(adapter.calls.map(\.key)) == ["000.00.12.H13-250711-00001/e-1-0/scripted/op"])
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let adapter = ScriptedAdapter(answers: Array(repeating: .retryable, count: 10))
        let outcome = try #require(await run(adapter, [try Fixtures.event(dossier: 1, step: 0)]).first)
        #expect(outcome.status == .deadLettered)
        #expect(outcome.reason == .retriesExhausted)
        #expect(outcome.attempts == 4)
    }

    @Test func permanentFailureIsNotRetried() async throws {
        let adapter = ScriptedAdapter(answers: [.permanent])
        let outcome = try #require(await run(adapter, [try Fixtures.event(dossier: 1, step: 0)]).first)
        #expect(outcome.status == .deadLettered)
        #expect(outcome.reason == .permanent)
        #expect(adapter.calls.count == 1)
    }

    @Test func reauthenticationDoesNotCountAsAnAttempt() async throws {
        let adapter = ScriptedAdapter(answers: [.reauthenticate, .retryable, .retryable, .retryable])
        let outcome = try #require(await run(adapter, [try Fixtures.event(dossier: 1, step: 0)]).first)
        #expect(outcome.status == .delivered)
        #expect(outcome.attempts == 4)
        #expect(adapter.invalidations == 1)
    }

    @Test func operationsRunInOrderAndDuplicatesAloneMakeADuplicate() async throws {
        let adapter = ScriptedAdapter(answers: [.duplicate, .duplicate])
        let outcome = try #require(await run(adapter, [try Fixtures.event(dossier: 1, step: 0)], operations: ["op", "second"]).first)
        #expect(outcome.status == .duplicate)
        #expect(adapter.calls.map(\.key) == ["000.00.12.H13-250711-00001/e-1-0/scripted/op", "000.00.12.H13-250711-00001/e-1-0/scripted/second"])
    }

    @Test func aStuckTargetNeverDelaysAnother() async throws {
        let stuck = ScriptedAdapter(target: "stuck", answers: Array(repeating: .retryable, count: 10_000))
        let healthy = ScriptedAdapter(target: "healthy")
        let patient = RetryPolicy(maxAttempts: 1_000, initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(50), budget: .milliseconds(600_000), maxRetryAfter: .milliseconds(50), maxReauthentications: 0)
        let engine = DeliveryEngine(
            adapters: [stuck, healthy],
            settings: ["stuck": TargetSettings(retry: patient, maxInFlight: 2), "healthy": TargetSettings(retry: fast, maxInFlight: 2)],
            logger: Logger(label: "test")
        )
        let delivered = Mutex<[TargetName: Int]>([:])
        for index in 0..<40 {
            let event = try Fixtures.event(dossier: index, step: 0)
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

    @Test func shutdownReturnsWhenTheCallsInFlightEndNotAtItsDeadline() async throws {
        let adapter = ScriptedAdapter(delay: .milliseconds(300))
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: 4)], logger: Logger(label: "test"))
        let outcomes = Mutex<[DeliveryOutcome]>([])
        for index in 0..<4 {
            let delivery = Delivery(event: try Fixtures.event(dossier: index, step: 0), target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: Int64(index)))
            await engine.submit(delivery) { outcome in outcomes.withLock { $0.append(outcome) } }
        }
        let started = ContinuousClock.now
        await engine.shutdown(deadline: .seconds(30))
        #expect(started.duration(to: .now) < .seconds(10), "drained in \(started.duration(to: .now)), long before the 30 s deadline")
        #expect(outcomes.withLock { $0.map(\.status) } == Array(repeating: .delivered, count: 4), "every call in flight finished and reported")
    }

    @Test func shutdownCancelsWhatOutlivesItsDeadline() async throws {
        let adapter = ScriptedAdapter(delay: .seconds(60))
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: 1)], logger: Logger(label: "test"))
        let outcomes = Mutex<Int>(0)
        await engine.submit(Delivery(event: try Fixtures.event(dossier: 1, step: 0), target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: 0))) { _ in
            outcomes.withLock { $0 += 1 }
        }
        while adapter.calls.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        let started = ContinuousClock.now
        await engine.shutdown(deadline: .milliseconds(100))
        #expect(started.duration(to: .now) < .seconds(30), "the 60 s call was cancelled, not waited for")
        #expect(outcomes.withLock { $0 } == 0, "a cancelled delivery reports nothing: its event is read again")
    }

    @Test func aDeadLetterParksItsDossierAndLaterEventsWaitBehindIt() async throws {
        let adapter = ScriptedAdapter(answers: [.permanent])
        let outcomes = await run(adapter, [try Fixtures.event(dossier: 1, step: 0), try Fixtures.event(dossier: 1, step: 1), try Fixtures.event(dossier: 2, step: 0)], maxInFlight: 1)
        let byEvent = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.delivery.event.id, $0) })
        #expect(byEvent["e-1-0"]?.status == .deadLettered)
        #expect(byEvent["e-1-1"]?.status == .parked)
        #expect(byEvent["e-1-1"]?.parkedBehind?.eventId == "e-1-0")
        #expect(byEvent["e-2-0"]?.status == .delivered, "other dossiers keep flowing")
        #expect(adapter.calls.map(\.event) == ["e-1-0", "e-2-0"], "a parked event is never sent")
    }

    @Test func anEventAtOrBelowItsDossiersMarkIsNotSentAgain() async throws {
        let marks = InMemoryDeliveryMarks()
        let events = [try Fixtures.event(dossier: 1, step: 0), try Fixtures.event(dossier: 1, step: 1), try Fixtures.event(dossier: 1, step: 2), try Fixtures.event(dossier: 2, step: 0)]
        let deliveries = events.enumerated().map { Delivery(event: $1, target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: Int64($0))) }
        // The dossier's second event reached the target before a crash; the other dossier's mark is elsewhere.
        #expect(await marks.markDelivered(deliveries[1]))
        #expect(await marks.markDelivered(Delivery(event: events[3], target: "other", operations: ["op"], origin: Fixtures.origin(offset: 3))))
        let adapter = ScriptedAdapter()
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast)], marks: marks, logger: Logger(label: "test"))
        let outcomes = Mutex<[String: DeliveryOutcome.Status]>([:])
        for delivery in deliveries {
            await engine.submit(delivery) { outcome in outcomes.withLock { $0[outcome.delivery.event.id] = outcome.status } }
        }
        while outcomes.withLock({ $0.count }) < deliveries.count { try? await Task.sleep(for: .milliseconds(2)) }
        #expect(outcomes.withLock { $0 } == ["e-1-0": .alreadyDelivered, "e-1-1": .alreadyDelivered, "e-1-2": .delivered, "e-2-0": .delivered])
        #expect(Set(adapter.calls.map(\.event)) == ["e-1-2", "e-2-0"] && adapter.calls.count == 2, "only what the target has not had is sent")
    }
}

/// The paths on which a target used to stop for good, or on which a bad day dead-lettered work.
@Suite(.timeLimit(.minutes(1))) struct DeliveryEngineBadDayTests {
    let fast = RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(2), budget: .milliseconds(10_000), maxRetryAfter: .milliseconds(10), maxReauthentications: 2)
    let quickBreaker = BreakerPolicy(window: .milliseconds(10_000), minimumCalls: 100, failureRatio: 1, consecutiveFailures: 3, initialPause: .milliseconds(20), maxPause: .milliseconds(40), maxFailedProbesPerDelivery: 3)

    /// Submits every event and waits for as many outcomes, or for `within`; returns what came.
    func run(_ adapter: ScriptedAdapter, _ events: [DossierEvent], parking: any ParkingLot = InMemoryParkingLot(), maxInFlight: Int = 1, within: Duration = .seconds(20)) async -> (outcomes: [DeliveryOutcome], engine: DeliveryEngine) {
        let engine = DeliveryEngine(
            adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: maxInFlight, breaker: quickBreaker)],
            parking: parking, logger: Logger(label: "test")
        )
        let writer = OutcomeWriter.inMemory(parking: parking)
        let outcomes = Mutex<[DeliveryOutcome]>([])
        for (index, event) in events.enumerated() {
            await engine.submit(Delivery(event: event, target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: Int64(index)))) { outcome in
                _ = await writer.write(outcome)
                outcomes.withLock { $0.append(outcome) }
            }
        }
        let end = ContinuousClock.now + within
        while outcomes.withLock({ $0.count }) < events.count, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(2)) }
        return (outcomes.withLock { $0 }, engine)
    }

    @Test func aProbeThatMustSignInAgainResumesTheTarget() async throws {
        // An outage opens the breaker; the probe then meets an expired session.
        let adapter = ScriptedAdapter(answers: [.retryable, .retryable, .retryable, .reauthenticate])
        let (outcomes, engine) = await run(adapter, [try Fixtures.event(dossier: 1, step: 0), try Fixtures.event(dossier: 2, step: 0), try Fixtures.event(dossier: 3, step: 0)])
        #expect(outcomes.count == 3, "every delivery ends: the probe's sign-in does not wedge the breaker")
        #expect(outcomes.allSatisfy { $0.status == .delivered })
        #expect(adapter.invalidations == 1)
        #expect(await engine.breakerStates()["scripted"] == .closed)
    }

    @Test func aCancelledProbeLetsAnotherProbeGo() async throws {
        let policy = BreakerPolicy(consecutiveFailures: 1, initialPause: .milliseconds(10), maxPause: .milliseconds(10))
        let breaker = CircuitBreaker(target: "t", policy: policy, logger: Logger(label: "test"))
        let first = try #require(await breaker.admit())
        #expect(await breaker.record(first, .failed(detail: "503")))
        let probing = Task { await breaker.admit(for: "a") }
        let probe = try #require(await probing.value)
        #expect(probe.isProbe)
        // The probe's delivery is cancelled (a rebalance) before any answer.
        await breaker.release(probe)
        let next = try #require(await breaker.admit(for: "b"))
        #expect(next.isProbe, "a released probe is no verdict: another probe goes at once")
        #expect(await breaker.record(next, .succeeded) == false)
        #expect(await breaker.state == .closed)
    }

    @Test func aProbeCancelledInsideTheEngineDoesNotStopTheTarget() async throws {
        let adapter = ScriptedAdapter(answers: [.retryable, .retryable, .retryable], delay: .milliseconds(30))
        let engine = DeliveryEngine(
            adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: 1, breaker: quickBreaker)], logger: Logger(label: "test")
        )
        let delivered = Mutex<[String]>([])
        let first = try Fixtures.event(dossier: 1, step: 0)
        await engine.submit(Delivery(event: first, target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: 0))) { outcome in
            delivered.withLock { $0.append(outcome.delivery.event.id) }
        }
        // Wait until the breaker opened and the probe is in flight, then revoke the partition.
        // Generous: under a full test run on two cores the four calls can take seconds.
        let end = ContinuousClock.now + .seconds(30)
        while adapter.calls.count < 4, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(2)) }
        #expect(await engine.breakerStates()["scripted"] == .probing)
        await engine.abandon([PartitionID(topic: "dossier.events", partition: 0)])
        await engine.submit(Delivery(event: first, target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: 0))) { outcome in
            delivered.withLock { $0.append(outcome.delivery.event.id) }
        }
        let again = ContinuousClock.now + .seconds(5)
        while delivered.withLock({ $0.isEmpty }), ContinuousClock.now < again { try? await Task.sleep(for: .milliseconds(2)) }
        #expect(delivered.withLock { $0 } == ["e-1-0"], "the target resumes after its probe was cancelled")
    }

    @Test func aRefusedSignInPausesTheTargetAndDeadLettersNothing() async throws {
        let refused = OperationAnswer(verdict: .permanent, httpStatus: 403, errorClass: .loginRefused, scope: .target)
        let adapter = ScriptedAdapter(script: [refused, refused, refused])
        let (outcomes, engine) = await run(adapter, [try Fixtures.event(dossier: 1, step: 0), try Fixtures.event(dossier: 2, step: 0)], maxInFlight: 2)
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { $0.status == .delivered }, "no dossier is dead-lettered for the target's own refusal")
        #expect(await engine.breakerStates()["scripted"] == .closed)
    }

    @Test func sessionsRefusedAgainAndAgainPauseRatherThanDeadLetter() async throws {
        let adapter = ScriptedAdapter(answers: [.reauthenticate, .reauthenticate, .reauthenticate, .reauthenticate])
        let (outcomes, _) = await run(adapter, [try Fixtures.event(dossier: 1, step: 0)])
        #expect(outcomes.first?.status == .delivered)
        #expect(adapter.invalidations >= 2)
    }

    @Test func aRequestThatCannotBeBuiltIsDeadLetteredWithoutPausingTheTarget() async throws {
        let local = OperationAnswer(verdict: .permanent, errorClass: .missingData, scope: .local)
        let adapter = ScriptedAdapter(script: [local, local, local, local])
        let (outcomes, engine) = await run(adapter, (1...4).map { try! Fixtures.event(dossier: $0, step: 0) })
        #expect(outcomes.count == 4)
        #expect(outcomes.allSatisfy { $0.status == .deadLettered && $0.reason == .permanent })
        #expect(await engine.breakerStates()["scripted"] == .closed, "our own request errors say nothing of the target's health")
    }

    @Test func aPoisonEventIsDeadLetteredAsHeldTooLongWhileOthersFlow() async throws {
        let poison = OperationAnswer(verdict: .retryable, httpStatus: 500, errorClass: .http(500))
        let adapter = ScriptedAdapter(script: [], always: ("e-1-0", poison))
        let (outcomes, _) = await run(adapter, [try Fixtures.event(dossier: 1, step: 0), try Fixtures.event(dossier: 2, step: 0), try Fixtures.event(dossier: 3, step: 0)], maxInFlight: 3)
        let byEvent = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.delivery.event.id, $0) })
        #expect(byEvent["e-2-0"]?.status == .delivered)
        #expect(byEvent["e-3-0"]?.status == .delivered)
        let held = try #require(byEvent["e-1-0"])
        #expect(held.status == .deadLettered)
        #expect([.heldTooLong, .retriesExhausted].contains(held.reason), "given up, not held for ever: \(held.reason?.rawValue ?? "-")")
    }

    @Test func aPoisonEventAloneIsHeldTooLong() async throws {
        let poison = OperationAnswer(verdict: .retryable, httpStatus: 500, errorClass: .http(500))
        let adapter = ScriptedAdapter(script: [], always: ("e-1-0", poison))
        let (outcomes, _) = await run(adapter, [try Fixtures.event(dossier: 1, step: 0)])
        #expect(outcomes.first?.status == .deadLettered)
        #expect(outcomes.first?.reason == .heldTooLong)
    }

    @Test func aDossierDroppedByARevocationAndQueuedAgainStartsItsHeadOnce() async throws {
        let adapter = ScriptedAdapter(delay: .milliseconds(300))
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: 2)], logger: Logger(label: "test"))
        let outcomes = Mutex<[String]>([])
        func submit(_ event: DossierEvent, partition: Int32, offset: Int64) async {
            let origin = EventOrigin(topic: "dossier.events", partition: partition, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: [])
            await engine.submit(Delivery(event: event, target: "scripted", operations: ["op"], origin: origin)) { outcome in
                outcomes.withLock { $0.append(outcome.delivery.event.id) }
            }
        }
        // Two dossiers of partition 1 take both slots; one of partition 0 waits for a slot.
        await submit(try Fixtures.event(dossier: 1, step: 0), partition: 1, offset: 0)
        await submit(try Fixtures.event(dossier: 2, step: 0), partition: 1, offset: 1)
        await submit(try Fixtures.event(dossier: 3, step: 0), partition: 0, offset: 0)
        // Partition 0 is revoked and comes back: its events are read and queued again.
        await engine.abandon([PartitionID(topic: "dossier.events", partition: 0)])
        await submit(try Fixtures.event(dossier: 3, step: 0), partition: 0, offset: 0)
        await submit(try Fixtures.event(dossier: 3, step: 1), partition: 0, offset: 1)
        let end = ContinuousClock.now + .seconds(10)
        while outcomes.withLock({ $0.count }) < 4, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(400))
        #expect(adapter.calls.filter { $0.dossier.hasSuffix("00003") }.map(\.event) == ["e-3-0", "e-3-1"], "each event once, in order")
        #expect(outcomes.withLock { $0 }.filter { $0.hasPrefix("e-3") } == ["e-3-0", "e-3-1"])
    }

    @Test func aRevocationDropsOnlyTheRevokedPartitionsEventsOfAMixedQueue() async throws {
        let adapter = ScriptedAdapter(delay: .milliseconds(200))
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: 1)], logger: Logger(label: "test"))
        let outcomes = Mutex<[String]>([])
        func submit(_ step: Int, partition: Int32) async throws {
            let origin = EventOrigin(topic: "dossier.events", partition: partition, offset: Int64(step), timestampMilliseconds: nil, key: nil, value: [], headers: [])
            await engine.submit(Delivery(event: try Fixtures.event(dossier: 1, step: step), target: "scripted", operations: ["op"], origin: origin)) { outcome in
                outcomes.withLock { $0.append(outcome.delivery.event.id) }
            }
        }
        // One dossier whose events sit on two partitions (its partition changed): the head of
        // partition 0 runs, then one of partition 1, then one of partition 0 again.
        try await submit(0, partition: 0)
        try await submit(1, partition: 1)
        try await submit(2, partition: 0)
        await engine.abandon([PartitionID(topic: "dossier.events", partition: 0)])
        let end = ContinuousClock.now + .seconds(10)
        while outcomes.withLock({ $0.count }) < 1, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(outcomes.withLock { $0 } == ["e-1-1"], "the revoked partition's events are dropped, the other's is delivered")
        #expect(await engine.backlog()["scripted"] == 0)
    }

    @Test func aParkIsReleasedWhenTheEventItWaitsBehindIsDelivered() async throws {
        let parking = InMemoryParkingLot()
        _ = await parking.park(ParkedDossier(dossierCode: "000.00.12.H13-250711-00001", target: "scripted", eventId: "e-1-0", reason: "permanent"))
        let adapter = ScriptedAdapter()
        let (outcomes, _) = await run(adapter, [try Fixtures.event(dossier: 1, step: 0), try Fixtures.event(dossier: 1, step: 1)], parking: parking)
        #expect(outcomes.map(\.status) == [.delivered, .delivered], "the later event is not parked behind a delivered one")
        #expect(await parking.all.isEmpty)
    }
    @Test func heldBackEventsGoOnlyInTheirTurnAndReplaysNeverGoTwice() async throws {
        let parking = InMemoryParkingLot()
        let code = "000.00.12.H13-250711-00001"
        _ = await parking.park(ParkedDossier(dossierCode: code, target: "scripted", eventId: "e-1-0", reason: "permanent", followers: ["e-1-1"]))
        let adapter = ScriptedAdapter()
        let engine = DeliveryEngine(adapters: [adapter], settings: ["scripted": TargetSettings(retry: fast, maxInFlight: 1, breaker: quickBreaker)], parking: parking, logger: Logger(label: "test"))
        let writer = OutcomeWriter.inMemory(parking: parking)
        let outcomes = Mutex<[String]>([])
        var offset: Int64 = 100
        func submit(_ step: Int, replay: Bool) async throws {
            offset += 1
            let delivery = Delivery(
                event: try Fixtures.event(dossier: 1, step: step), target: "scripted", operations: ["op"], origin: Fixtures.origin(offset: offset),
                replay: replay ? Replay(target: "scripted", id: "r-1", deadLetter: "0:\(step)") : nil
            )
            await engine.submit(delivery) { outcome in
                _ = await writer.write(outcome)
                outcomes.withLock { $0.append("\(outcome.delivery.event.id) \(outcome.status.rawValue)\(outcome.replayRefusal.map { " " + $0.rawValue } ?? "")") }
            }
        }
        try await submit(1, replay: true)
        try await submit(2, replay: false)
        try await submit(0, replay: true)
        try await submit(0, replay: true)
        try await submit(1, replay: true)
        try await submit(2, replay: true)
        try await submit(2, replay: true)
        try await submit(3, replay: false)
        let end = ContinuousClock.now + .seconds(10)
        while outcomes.withLock({ $0.count }) < 8, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(5)) }
        #expect(outcomes.withLock { $0 } == [
            "e-1-1 not-replayed out-of-turn",
            "e-1-2 parked",
            "e-1-0 delivered",
            "e-1-0 not-replayed already-through",
            "e-1-1 delivered",
            "e-1-2 delivered",
            "e-1-2 not-replayed not-parked",
            "e-1-3 delivered",
        ])
        #expect(adapter.calls.map(\.event) == ["e-1-0", "e-1-1", "e-1-2", "e-1-3"], "the target sees each held-back event once, in order")
        #expect(await parking.all.isEmpty, "released once the last held-back event is through")
    }
}


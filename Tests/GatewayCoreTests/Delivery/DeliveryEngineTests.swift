import Foundation
import GatewayCore
import Logging
import Synchronization
import Testing

/// An adapter whose answers a test scripts, recording what it was asked.
final class ScriptedAdapter: TargetAdapter {
    let target: TargetName = "scripted"
    let operations: Set<String> = ["op", "second"]
    private let state = Mutex<(answers: [Verdict], calls: [(dossier: String, event: String, key: String)], logins: Int)>(([], [], 0))
    private let delay: Duration

    init(answers: [Verdict] = [], delay: Duration = .zero) {
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
}

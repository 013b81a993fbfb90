import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import Kafka
import MockSupport
import Testing

/// One test per kind of failure a national system shows, against the real gateway and mock.
@Suite(.serialized) struct FaultMatrixTests {
    static let dossierCode = "000.00.12.H13-250711-00042"

    /// The example reception, re-identified as event `id` of dossier `number`.
    func event(_ name: String = "received", dossier number: Int = 42, id: String? = nil) throws -> DossierEvent {
        let url = URL(fileURLWithPath: GatewayHarness.contracts).appendingPathComponent("examples/events/\(name).json")
        var event = try JSONCoding.decoder.decode(DossierEvent.self, from: Data(contentsOf: url))
        event.data.dossierCode = "000.00.12.H13-250711-\(String(format: "%05d", number))"
        event.subject = event.data.dossierCode
        event.id = id ?? "\(name)-\(number)"
        return event
    }

    func syncs(_ harness: GatewayHarness) async -> [JournalEntry] {
        await harness.journal(of: "dvcqg").filter { $0.operation == "DongBoHoSoMC" }
    }

    @Test func tooManyRequestsIsRetriedAfterWhatRetryAfterSays() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 429, retryAfterSeconds: 1, count: 1, operation: "DongBoHoSoMC"))
            try await harness.stack.produce([try event()])
            try await harness.waitForOutcomes(1)
            let calls = await syncs(harness)
            #expect(calls.map(\.status) == [429, 200])
            let gap = calls[1].receivedAt.timeIntervalSince(calls[0].receivedAt)
            #expect(gap >= 0.95, "waited \(gap) s; Retry-After said 1 s and the backoff alone is at most 50 ms")
            #expect(try await harness.results(1).first?.outcome == .delivered)
        }
    }

    @Test func aTimedOutCallIsRetried() async throws {
        // The deadline leaves the retry room on a machine busy with the other suites: at 500 ms, a
        // retry on a new connection has itself timed out there.
        try await GatewayHarness.run(partitions: 1, overrides: ["GATEWAY__targets__dvcqg__connection__timeoutMilliseconds": "1200"]) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(latencyMilliseconds: 3_000, count: 1, operation: "DongBoHoSoMC"))
            try await harness.stack.produce([try event()])
            try await harness.waitForOutcomes(1)
            let result = try #require(try await harness.results(1).first)
            #expect(result.outcome == .delivered)
            #expect(result.attempts == 2)
        }
    }

    @Test func aResetConnectionIsRetried() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(dropConnection: true, count: 2, operation: "DongBoHoSoMC"))
            try await harness.stack.produce([try event()])
            try await harness.waitForOutcomes(1)
            let result = try #require(try await harness.results(1).first)
            #expect(result.outcome == .delivered)
            #expect(result.attempts == 3)
            #expect(await syncs(harness).map(\.rejection) == ["fault: dropped connection", "fault: dropped connection", nil])
        }
    }

    @Test func answersSlowerThanTheDeadlineEndInADeadLetterOnceAttemptsRunOut() async throws {
        let overrides = [
            "GATEWAY__targets__dvcqg__connection__timeoutMilliseconds": "300",
            "GATEWAY__targets__dvcqg__retry__maxAttempts": "3",
        ]
        try await GatewayHarness.run(partitions: 1, overrides: overrides) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(latencyMilliseconds: 1_000, count: 3, operation: "DongBoHoSoMC"))
            try await harness.stack.produce([try event()])
            try await harness.waitForOutcomes(1)
            let letter = try #require(try await harness.deadLetters(1).first)
            #expect(letter.headers.text("dlq.error.class") == "timeout")
            #expect(letter.headers.text("dlq.reason") == "retries-exhausted")
            #expect(letter.headers.text("dlq.attempts") == "3")
            #expect(letter.headers.text("dlq.http.status") == "none")
        }
    }

    @Test func aDeadLetterParksItsDossierWhileOthersFlow() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 400, body: #"{"error_code":"-1","message":"MaTTHC không tồn tại"}"#, count: 1, operation: "DongBoHoSoMC"))
            let first = try event(dossier: 1)
            try await harness.stack.produce([first])
            try await harness.waitForOutcomes(1)
            try await harness.stack.produce([
                try event("progressed", dossier: 1), try event(dossier: 2), try event("result-returned", dossier: 1), try event("result-returned", dossier: 2),
            ])
            try await harness.waitForOutcomes(5)

            let results = try await harness.results(5)
            let byEvent = Dictionary(uniqueKeysWithValues: results.map { ($0.eventId, $0) })
            #expect(byEvent["received-1"]?.outcome == .deadLettered)
            #expect(byEvent["progressed-1"]?.outcome == .parked)
            #expect(byEvent["progressed-1"]?.parkedBehind == "received-1")
            #expect(byEvent["result-returned-1"]?.outcome == .parked)
            #expect(byEvent["received-2"]?.outcome == .delivered)
            #expect(byEvent["result-returned-2"]?.outcome == .delivered)

            let sent = await harness.journal(of: "dvcqg").filter { $0.operation != "login" }.flatMap(\.dossiers)
            #expect(sent.filter { $0 == first.dossierCode }.count == 1, "nothing after the dead letter was sent for the parked dossier")

            let letters = try await harness.deadLetters(3)
            #expect(letters.map { $0.headers.text("dlq.reason") } == ["permanent", "parked", "parked"])
            #expect(letters.dropFirst().allSatisfy { $0.headers.text("dlq.parked.behind") == "received-1" })

            let parked = try await harness.stack.read(DevStack.topics.parked, count: 1, timeout: .seconds(10))
            #expect(parked.map(\.keyText) == ["dvcqg/\(first.dossierCode)"])
        }
    }

    @Test func systematicFailurePausesTheTargetInsteadOfFloodingTheDeadLetterTopic() async throws {
        try await GatewayHarness.run(partitions: 3) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 400, body: #"{"error_code":"-1","message":"Sai cấu trúc dữ liệu"}"#, count: 100_000, operation: "DongBoHoSoMC"))
            let events = try (1...40).map { try event(dossier: $0) }
            try await harness.stack.produce(events)
            let end = ContinuousClock.now + .seconds(30)
            while !harness.gateway.statistics.snapshot.pausedTargets.contains("dvcqg"), ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(harness.gateway.statistics.snapshot.pausedTargets.contains("dvcqg"), "the target is reported paused")
            try await Task.sleep(for: .seconds(2))
            let deadLettered = harness.gateway.statistics.snapshot.count(.deadLettered)
            #expect(deadLettered < 10, "\(deadLettered) dead letters: the breaker should have held the rest")

            await harness.stack.mocks.control("dvcqg").faults.clear()
            try await harness.waitForOutcomes(events.count, timeout: .seconds(60))
            let snapshot = harness.gateway.statistics.snapshot
            #expect(snapshot.count(.delivered) + snapshot.count(.deadLettered) == events.count)
            #expect(snapshot.count(.deadLettered) == deadLettered, "nothing held was dead-lettered")
            try await Task.sleep(for: .milliseconds(300))
            #expect(!harness.gateway.statistics.snapshot.pausedTargets.contains("dvcqg"), "the probe succeeded and the target resumed")
            print("systematic failure: \(deadLettered) of \(events.count) dead-lettered before the pause, \(snapshot.count(.delivered)) delivered after recovery")
        }
    }

    @Test func anOversizedInvalidRecordIsDeadLetteredByReferenceAndTheEventsBehindItFlow() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            let huge = Array(repeating: UInt8(ascii: "{"), count: 2_000_000)
            try await harness.stack.produceRaw(key: Self.dossierCode, value: huge)
            let events = try (1...40).map { try event(dossier: $0) }
            try await harness.stack.produce(events)
            try await harness.waitForOutcomes(events.count, invalid: 1, timeout: .seconds(60))
            let letter = try #require(try await harness.deadLetters(1).first)
            #expect(letter.headers.text("dlq.error.class") == "invalid-event")
            #expect(letter.headers.text("dlq.value.omitted")?.hasPrefix("2000000 bytes") == true)
            #expect(letter.headers.text("dlq.original.offset") == "0")
            #expect(letter.value.isEmpty)
            let results = try await harness.results(events.count)
            #expect(results.filter { $0.outcome == .delivered }.count == events.count, "nothing behind the oversized record was held up")
        }
    }

    @Test func anOutageWhoseErrorBodiesLookLikeAnExpiredSessionDeadLettersNothing() async throws {
        let quickProbes = [
            "GATEWAY__targets__dvcqg__breaker__initialPauseMilliseconds": "100",
            "GATEWAY__targets__dvcqg__breaker__maxPauseMilliseconds": "400",
        ]
        try await GatewayHarness.run(partitions: 1, overrides: quickProbes) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 503, body: #"{"error_code":"-2","message":"Service Unavailable"}"#, count: 45, operation: "DongBoHoSoMC"))
            let events = try (1...20).map { try event(dossier: $0) }
            try await harness.stack.produce(events)
            try await harness.waitForOutcomes(events.count, timeout: .seconds(90))
            let snapshot = harness.gateway.statistics.snapshot
            #expect(snapshot.count(.deadLettered) == 0, "an outage never dead-letters")
            #expect(snapshot.count(.delivered) == events.count)
            let logins = await harness.journal(of: "dvcqg").filter { $0.operation == "login" }.count
            #expect(logins == 1, "a 503 is no reason to sign in again: \(logins) logins")
        }
    }

    @Test func aLoginAnswered503AtTheStartDoesNotStopTheTarget() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 503, count: 1, operation: "login"))
            let events = try (1...12).map { try event(dossier: $0) }
            try await harness.stack.produce(events)
            try await harness.waitForOutcomes(events.count, timeout: .seconds(60))
            #expect(harness.gateway.statistics.snapshot.count(.delivered) == events.count)
        }
    }

    @Test func anExpiredSessionMetByTheProbeAfterAnOutageDoesNotStopTheTarget() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 503, count: 6, operation: "DongBoHoSoMC"))
            try await harness.stack.produce([try event(dossier: 1)])
            let end = ContinuousClock.now + .seconds(20)
            while !harness.gateway.statistics.snapshot.pausedTargets.contains("dvcqg"), ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(20))
            }
            // The outage ends, and with it every session: the probe meets "phiên làm việc … hết hạn".
            await harness.stack.mocks.control("dvcqg").expireSessions()
            let events = try (2...10).map { try event(dossier: $0) }
            try await harness.stack.produce(events)
            try await harness.waitForOutcomes(events.count + 1, timeout: .seconds(60))
            #expect(harness.gateway.statistics.snapshot.count(.delivered) == events.count + 1)
        }
    }
}

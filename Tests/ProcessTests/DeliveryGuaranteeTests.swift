import Foundation
import GatewayModel
import MockSupport
import SampleTraffic
import Testing

/// The product's promises, checked against real processes: a broker, the mocks and
/// gateways killed with SIGKILL, stopped with SIGTERM, joined and left mid-stream.
/// `GATEWAY_CRASH_EVENTS` and `GATEWAY_CRASH_KILLS` scale the crash test (20,000 and 10 by default).
@Suite(.serialized) struct DeliveryGuaranteeTests {
    static func setting(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    /// What the journal says about the events: exactly one applied request per event,
    /// in each dossier's order, how many repeats were absorbed, and how many of those were
    /// stale (an event sent again after a later event of its dossier had been applied).
    struct Verdict: CustomStringConvertible {
        var missing: [String] = []
        var appliedTwice: [String] = []
        var outOfOrder: [String] = []
        var absorbed = 0
        var stale = 0
        var staleDossiers: [String] = []
        var applied = 0

        var description: String {
            "applied \(applied), absorbed repeats \(absorbed) (stale \(stale)), missing \(missing.count), applied twice \(appliedTwice.count), dossiers out of order \(outOfOrder.count)"
        }
    }

    /// The (event × target) outcomes the default routing table calls for.
    static func expectedOutcomes(_ events: [DossierEvent]) -> Set<String> {
        var expected: Set<String> = []
        for event in events {
            expected.insert("\(event.id)/dvcqg")
            expected.insert("\(event.id)/emc")
            let type = event.type.shortName, field = event.data.field.code
            if type == "received", field == "HT" { expected.insert("\(event.id)/hotich") }
            if ["received", "supplement-requested", "result-returned", "result-disputed"].contains(type), field == "DD" { expected.insert("\(event.id)/vbdlis") }
            if ["received", "progressed", "supplement-requested", "resolved", "result-returned", "rejected"].contains(type),
               ["LTKS", "LTKT"].contains(event.data.procedure.interconnectModule ?? "") {
                expected.insert("\(event.id)/bca")
            }
        }
        return expected
    }

    static func judge(_ events: [DossierEvent], _ journal: [JournalEntry], target: String = "dvcqg", operation: String = "DongBoHoSoMC") -> Verdict {
        var position: [String: (dossier: String, index: Int)] = [:]
        var counts: [String: Int] = [:]
        for event in events {
            let index = counts[event.dossierCode, default: 0]
            counts[event.dossierCode] = index + 1
            position["\(event.dossierCode)/\(event.id)/\(target)/\(operation)"] = (event.dossierCode, index)
        }
        var verdict = Verdict()
        var seen: [String: [Int]] = [:]
        var appliedKeys: Set<String> = []
        for entry in journal where entry.operation == operation && entry.accepted {
            guard let key = entry.idempotencyKey, let (dossier, index) = position[key] else { continue }
            if entry.absorbed {
                verdict.absorbed += 1
                if let latest = seen[dossier]?.max(), latest > index {
                    verdict.stale += 1
                    if !verdict.staleDossiers.contains(dossier) { verdict.staleDossiers.append(dossier) }
                }
                continue
            }
            verdict.applied += 1
            if !appliedKeys.insert(key).inserted { verdict.appliedTwice.append(key) }
            seen[dossier, default: []].append(index)
        }
        for (dossier, count) in counts {
            let indices = seen[dossier] ?? []
            if indices != Array(0..<count) {
                if Set(indices) == Set(0..<count) { verdict.outOfOrder.append(dossier) } else { verdict.missing.append(dossier) }
            }
        }
        return verdict
    }

    @Test func nothingIsLostOrReorderedWhenTheGatewayIsKilledAgainAndAgain() async throws {
        try await killAgainAndAgain(eventCount: Self.setting("GATEWAY_CRASH_EVENTS", 20_000), kills: Self.setting("GATEWAY_CRASH_KILLS", 10), membership: "group")
    }

    /// The sole reader takes every partition at once on each start, with no group to wait for.
    @Test func nothingIsLostOrReorderedWhenASoleReaderIsKilledAgainAndAgain() async throws {
        try await killAgainAndAgain(eventCount: 6_000, kills: 5, membership: "sole")
    }

    func killAgainAndAgain(eventCount: Int, kills: Int, membership: String) async throws {
        let overrides = ["GATEWAY__kafka__membership": membership]
        // The embedded broker keeps about 5 MB per partition and drops the oldest records
        // beyond that; 12 partitions hold 20,000 events whole.
        let harness = try ProcessHarness(partitions: max(12, eventCount / 1_500))
        let events = SampleTraffic(seed: 20_251_124).events(count: eventCount)
        let producer = try harness.producer()
        let started = ContinuousClock.now
        try await harness.produce(events, with: producer)
        try #require(try await harness.retained("dossier.events") == eventCount, "the broker holds every event before the test starts")

        var random = SystemRandomNumberGenerator()
        for round in 1...kills {
            let gateway = try harness.startGateway(group: "crash", name: "crash-\(round)", overrides: overrides)
            try await gateway.waitUntilJoined()
            // Kill it mid-delivery: once it has applied calls of its own, at a random moment after.
            let before = try await harness.applied(by: "dvcqg")
            let end = ContinuousClock.now + .seconds(30)
            while try await harness.applied(by: "dvcqg") < before + 50, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...1_500, using: &random)))
            gateway.kill()
        }
        let survivor = try harness.startGateway(group: "crash", name: "crash-final", overrides: overrides)
        let results = try await harness.results(covering: Self.expectedOutcomes(events), timeout: .seconds(600))
        let exitStatus = await survivor.terminate()
        let journal = try await harness.journal(of: "dvcqg")
        let emcJournal = try await harness.journal(of: "emc")
        await producer.shutdown()

        let verdict = Self.judge(events, journal)
        let emcVerdict = Self.judge(events, emcJournal, target: "emc", operation: "TrackingMCDT")
        let outcomes = Dictionary(grouping: results, by: \.outcome).mapValues(\.count)
        let covered = Set(results.map { "\($0.eventId)/\($0.target)" })
        print("""
            crash test (\(membership)): \(eventCount) events, \(kills) SIGKILLs, \(started.duration(to: .now)) in all
              results: \(results.count) records for \(covered.count) (event × target) outcomes \(outcomes)
              DVCQG journal: \(journal.count) requests; \(verdict)
              EMC journal: \(emcJournal.count) requests; \(emcVerdict)
            """)
        for (name, entries, judged) in [("DVCQG", journal, verdict), ("EMC", emcJournal, emcVerdict)] {
            for dossier in (judged.missing + judged.outOfOrder + judged.staleDossiers).prefix(3) {
                print("\(name) journal of \(dossier):")
                for entry in entries where entry.dossiers.contains(dossier) {
                    print("  #\(entry.sequence) \(entry.receivedAt) \(entry.operation) key \(entry.idempotencyKey ?? "-") status \(entry.status) code \(entry.answerCode ?? "-") accepted \(entry.accepted) absorbed \(entry.absorbed)")
                }
            }
        }
        #expect(covered == Self.expectedOutcomes(events), "every event has an outcome for every routed target")
        #expect(emcVerdict.missing.isEmpty && emcVerdict.appliedTwice.isEmpty && emcVerdict.outOfOrder.isEmpty, "EMC: \(emcVerdict)")
        #expect(results.allSatisfy { $0.outcome == .delivered || $0.outcome == .duplicate })
        #expect(verdict.missing.isEmpty)
        #expect(verdict.appliedTwice.isEmpty, "redeliveries are absorbed by their idempotency keys")
        #expect(verdict.outOfOrder.isEmpty, "no dossier out of order: \(verdict.outOfOrder.prefix(5))")
        #expect(verdict.applied == eventCount)
        // Delivery marks: an event read again after a kill is sent again only when the kill
        // came between its call and its mark, which at most the calls in flight can be.
        let inFlight = 32
        #expect(verdict.absorbed <= kills * inFlight && emcVerdict.absorbed <= kills * inFlight, "DVCQG \(verdict.absorbed), EMC \(emcVerdict.absorbed) sent again")
        #expect(verdict.stale == 0 && emcVerdict.stale == 0, "no event is applied again after a later one of its dossier")
        #expect(exitStatus == 0, "SIGTERM ends the gateway cleanly")
    }

    @Test func aSecondInstanceJoiningAndLeavingLosesAndReordersNothing() async throws {
        let harness = try ProcessHarness(partitions: 6)
        let events = SampleTraffic(seed: 77).events(count: 4_000)
        let producer = try harness.producer()
        let first = try harness.startGateway(group: "scale", name: "scale-a")
        try await first.waitUntilJoined()
        let feeding = Task { try await harness.produce(events, with: producer) }

        try await Task.sleep(for: .seconds(2))
        let second = try harness.startGateway(group: "scale", name: "scale-b")
        try await second.waitUntilJoined()
        try await Task.sleep(for: .seconds(4))
        let secondExit = await second.terminate()
        try await feeding.value

        let results = try await harness.results(covering: Self.expectedOutcomes(events), timeout: .seconds(300))
        let firstExit = await first.terminate()
        let journal = try await harness.journal(of: "dvcqg")
        await producer.shutdown()
        let verdict = Self.judge(events, journal)
        let applied = journal.filter { $0.accepted && !$0.absorbed }.map(\.receivedAt).sorted()
        let longestGap = zip(applied, applied.dropFirst()).map { $1.timeIntervalSince($0) }.max() ?? 0
        print("rebalance test: \(events.count) events, results \(results.count); \(verdict); longest pause between applied DVCQG calls \(String(format: "%.1f", longestGap)) s")
        #expect(second.logText.contains("partitions assigned"), "the second instance took partitions")
        #expect(first.logText.contains("partitions revoked"), "the first instance gave partitions up and took them back")
        #expect(Set(results.map { "\($0.eventId)/\($0.target)" }) == Self.expectedOutcomes(events))
        #expect(verdict.missing.isEmpty && verdict.appliedTwice.isEmpty && verdict.outOfOrder.isEmpty)
        #expect(verdict.stale == 0, "no event is applied again after a later one of its dossier")
        #expect(secondExit == 0 && firstExit == 0)
    }

    @Test func anOutageHoldsMemoryBoundedAndDrainsInOrderWithoutDeadLetters() async throws {
        let harness = try ProcessHarness(partitions: 6)
        let events = SampleTraffic(seed: 5).events(count: 6_000)
        let producer = try harness.producer()
        let gateway = try harness.startGateway(group: "outage", name: "outage", overrides: ["GATEWAY__delivery__maxBacklogPerPartition": "300"])
        try await gateway.waitUntilJoined()
        try await harness.fault(on: "dvcqg", FaultPlan(status: 503, retryAfterSeconds: 1, count: 1_000_000))
        try await harness.produce(events, with: producer)
        try await Task.sleep(for: .seconds(15))
        let duringOutage = gateway.peakResidentKilobytes ?? 0
        let emcDuringOutage = try await harness.journal(of: "emc").filter(\.accepted).count
        let heldBack = gateway.logText.contains("holding partitions back")

        try await harness.clearFaults(on: "dvcqg")
        let results = try await harness.results(covering: Self.expectedOutcomes(events), timeout: .seconds(300))
        let peak = gateway.peakResidentKilobytes ?? 0
        let exit = await gateway.terminate()
        let journal = try await harness.journal(of: "dvcqg")
        await producer.shutdown()
        let verdict = Self.judge(events, journal)
        print("outage test: \(events.count) events, 15 s of DVCQG 503s; EMC accepted \(emcDuringOutage) meanwhile; peak RSS \(duringOutage / 1024) MiB during the outage, \(peak / 1024) MiB overall; partitions held back: \(heldBack); \(verdict)")
        #expect(heldBack, "backlog limits paused partitions instead of buffering")
        #expect(emcDuringOutage > 0, "EMC kept receiving while DVCQG was down")
        #expect(Set(results.map { "\($0.eventId)/\($0.target)" }) == Self.expectedOutcomes(events))
        #expect(results.allSatisfy { $0.outcome == .delivered || $0.outcome == .duplicate }, "no dead letters: \(Dictionary(grouping: results, by: \.outcome).mapValues(\.count))")
        #expect(verdict.missing.isEmpty && verdict.appliedTwice.isEmpty && verdict.outOfOrder.isEmpty)
        #expect(exit == 0)
    }

    /// Events carrying attachments of 280 KB arrive during an outage: the byte budget, not the
    /// number of events, pauses the partitions, and nothing is lost or reordered. (Peak memory
    /// with large events is measured by the benchmark.)
    @Test func anOutageWithLargeEventsIsPausedByTheByteBudgetAndLosesNothing() async throws {
        // 96 partitions: the embedded broker drops a partition's oldest records beyond a few
        // megabytes, so the 90 MB are spread to stay well below that.
        let harness = try ProcessHarness(partitions: 96)
        let attachment = Data((0..<210_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).base64EncodedString()
        let events = SampleTraffic(seed: 9).events(count: 320).map { event -> DossierEvent in
            var event = event
            event.data.documents = [.init(name: "Bản vẽ thửa đất", code: "TP02", contentBase64: attachment, originals: 1, copies: 0)]
            return event
        }
        let producedBytes = try events.reduce(0) { $0 + (try JSONEncoder().encode($1)).count }
        let producer = try harness.producer(maxMessageBytes: 2_000_000)
        let gateway = try harness.startGateway(group: "large", name: "large", overrides: ["GATEWAY__delivery__maxBacklogBytes": String(4 << 20)])
        try await gateway.waitUntilJoined()
        try await Task.sleep(for: .seconds(1))
        let before = gateway.peakResidentKilobytes ?? 0
        try await harness.fault(on: "dvcqg", FaultPlan(status: 503, retryAfterSeconds: 1, count: 1_000_000))
        try await harness.produce(events, with: producer)
        try await Task.sleep(for: .seconds(10))
        let duringOutage = gateway.peakResidentKilobytes ?? 0
        let pausedForBytes = gateway.logText.components(separatedBy: "backlog of all partitions at its limit").count - 1
        // 96 partitions each bring in a fetch of their own: past twice the budget, all of them stop.
        let heldEverything = gateway.logText.contains("holding every partition back: backlog of all partitions past twice its limit")

        try await harness.clearFaults(on: "dvcqg")
        let results = try await harness.results(covering: Self.expectedOutcomes(events), timeout: .seconds(300))
        let exit = await gateway.terminate()
        let journal = try await harness.journal(of: "dvcqg")
        await producer.shutdown()
        let verdict = Self.judge(events, journal)
        let growth = (duringOutage - before) / 1024
        print("large-event outage: \(events.count) events, \(producedBytes >> 20) MiB; RSS \(before / 1024) MiB before, \(duringOutage / 1024) MiB peak during the outage (+\(growth) MiB); \(pausedForBytes) pauses for bytes; \(verdict)")
        let unanswered = Self.expectedOutcomes(events).subtracting(results.map { "\($0.eventId)/\($0.target)" })
        #expect(pausedForBytes > 0, "the byte budget paused partitions")
        #expect(heldEverything, "past twice the budget every partition was paused")
        #expect(unanswered.isEmpty, "\(unanswered.count) outcomes missing, such as \(unanswered.sorted().prefix(5))")
        #expect(verdict.missing.isEmpty && verdict.appliedTwice.isEmpty && verdict.outOfOrder.isEmpty)
        #expect(exit == 0)
    }
}

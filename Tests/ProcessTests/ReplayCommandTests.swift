import Foundation
import GatewayDev
import GatewayModel
import MockSupport
import SampleTraffic
import Testing

/// `gateway replay` against a running gateway process: a national system refuses the first
/// event of some dossiers, their later events park, the fault is fixed, and the replay brings
/// every held-back event to that system alone, in each dossier's order.
@Suite(.serialized) struct ReplayCommandTests {
    static let refusal = FaultPlan(status: 400, body: #"{"error_code":"-1","message":"Dữ liệu không hợp lệ"}"#, count: 3, operation: "DongBoHoSoMC")

    /// Three dossiers of at least four events each: the first three go before the replay, the
    /// fourth (`late`) while it runs.
    static func traffic() throws -> (early: [DossierEvent], late: [DossierEvent]) {
        let dossiers = Dictionary(grouping: SampleTraffic(seed: 31).events(count: 200), by: \.dossierCode)
            .filter { $0.value.count >= 4 && $0.value.first?.type == .received }
            .sorted { $0.key < $1.key }
            .prefix(3)
        try #require(dossiers.count == 3)
        return (dossiers.flatMap { $0.value.prefix(3) }, dossiers.map { $0.value[3] })
    }

    func command(_ harness: ProcessHarness, _ arguments: [String]) throws -> ProgramRun {
        try ProgramRun.run(ProcessHarness.testBinary, arguments, environment: harness.gatewayEnvironment(group: "operator"))
    }

    func json<T>(_ run: ProgramRun, as: T.Type = [String: Any].self) throws -> T {
        try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? T, "\(run.output)")
    }

    /// The events a system applied for `dossier`, in the order it applied them (each once).
    static func applied(_ journal: [JournalEntry], dossier: String) -> [String] {
        var order: [String] = []
        for entry in journal where entry.accepted && !entry.absorbed && entry.dossiers.contains(dossier) {
            guard let key = entry.idempotencyKey else { continue }
            let event = String(key.split(separator: "/")[1])
            if order.last != event { order.append(event) }
        }
        return order
    }

    /// Ends of the topics an operator's command could write to.
    func ends(_ harness: ProcessHarness) async throws -> [String: Int] {
        var ends: [String: Int] = [:]
        for topic in ["dossier.events", "gateway.parked", "gateway.audit", "gateway.dlq", "gateway.results"] {
            ends[topic] = try await harness.retained(topic)
        }
        return ends
    }

    /// Parks three dossiers at DVCQG behind a refused first event and waits for every outcome.
    func parkThreeDossiers(_ harness: ProcessHarness, group: String) async throws -> (early: [DossierEvent], late: [DossierEvent], gateway: GatewayProcess) {
        let (early, late) = try Self.traffic()
        try await harness.fault(on: "dvcqg", Self.refusal)
        let producer = try harness.producer()
        try await harness.produce(early, with: producer)
        await producer.shutdown()
        let gateway = try harness.startGateway(group: group, name: group)
        _ = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(early), timeout: .seconds(120))
        let parked = try json(try command(harness, ["parked", "list", "--json", "--target", "dvcqg"]), as: [[String: Any]].self)
        try #require(parked.count == 3, "each dossier's refused first event parks it")
        try #require(parked.allSatisfy { $0["eventsWaiting"] as? Int == 2 })
        return (early, late, gateway)
    }

    @Test func aReplayDeliversEveryHeldBackEventInOrderToItsTargetOnlyAndOnce() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let (early, late, gateway) = try await parkThreeDossiers(harness, group: "replay")
        let emcBefore = try await harness.journal(of: "emc").count

        // A dry run lists what would go, checks it, and writes nothing.
        let before = try await ends(harness)
        let dryRun = try command(harness, ["replay", "--dry-run", "--json", "--target", "dvcqg"])
        #expect(dryRun.status == 0, "\(dryRun.output)")
        let rows = try #require(try json(dryRun)["wouldReplay"] as? [[String: Any]])
        #expect(rows.count == 9 && rows.allSatisfy { ($0["check"] as? [String: Any])?["passes"] as? Bool == true }, "\(dryRun.output)")
        #expect(Set(rows.compactMap { $0["eventId"] as? String }) == Set(early.map(\.id)))
        #expect(rows.filter { $0["followersWaiting"] as? Int == 2 }.count == 3, "each dossier's head has two followers")
        let table = try command(harness, ["replay", "--dry-run"])
        #expect(table.status == 0 && table.output.contains("FOLLOWERS") && table.output.contains("http-400") && table.output.contains("nothing was written"), "\(table.output)")
        #expect(try await ends(harness) == before, "a dry run writes nothing")

        // The real replay, with each dossier's next event arriving while it runs.
        let replay = try RunningProgram.launch(
            ProcessHarness.testBinary, ["replay", "--yes", "--json", "--rate", "3", "--operator", "duty-officer"],
            environment: harness.gatewayEnvironment(group: "operator")
        )
        try await Task.sleep(for: .seconds(1))
        let producer = try harness.producer()
        try await harness.produce(late, with: producer)
        await producer.shutdown()
        let finished = await replay.finish()
        #expect(finished.status == 0, "\(finished.output)")
        let counts = try #require(try json(finished)["counts"] as? [String: Int])
        print("replay with live events: \(counts.sorted { $0.key < $1.key })")
        #expect(counts["delivered"] == counts["sent"] && (counts["sent"] ?? 0) >= 9, "\(finished.output)")
        _ = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(late), timeout: .seconds(60))
        try await Task.sleep(for: .seconds(1))

        let journal = try await harness.journal(of: "dvcqg")
        for dossier in Set(early.map(\.dossierCode)) {
            let expected = (early + late).filter { $0.dossierCode == dossier }.map(\.id)
            #expect(Self.applied(journal, dossier: dossier) == expected, "DVCQG has \(dossier)'s events once each, in order")
        }
        let parked = try json(try command(harness, ["parked", "list", "--json"]), as: [[String: Any]].self)
        #expect(parked.isEmpty, "every dossier released: \(parked)")
        let emc = try await harness.journal(of: "emc")
        #expect(emc.count == emcBefore + late.count, "EMC sees the late events and no replayed one")

        // Again: nothing is held back, so nothing is sent.
        let again = try command(harness, ["replay", "--yes", "--json"])
        #expect(again.status == 0, "\(again.output)")
        #expect((try json(again)["counts"] as? [String: Int])?["sent"] == 0)
        #expect(try await harness.journal(of: "dvcqg").count == journal.count, "a second replay sends nothing")

        let audit = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["kcat", "-C", "-b", harness.bootstrap, "-t", "gateway.audit", "-e", "-q", "-f", "%s\n"])
        #expect(audit.output.contains(#""action":"replay""#) && audit.output.contains(#""operator":"duty-officer""#) && audit.output.contains(#""result":"done""#), "\(audit.output)")
        #expect(await gateway.terminate() == 0)
    }

    @Test func aGatewayAndAReplayKilledMidwayLoseNothingAndTheReplayRunAgainCompletesIt() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let (early, _, gateway) = try await parkThreeDossiers(harness, group: "replay-crash")
        // One event every two seconds: the replay is still sending when the second gateway has
        // joined (about 6 s after the first is killed) and delivered its fourth, however fast.
        let replay = try RunningProgram.launch(
            ProcessHarness.testBinary, ["replay", "--yes", "--json", "--rate", "0.5", "--timeout", "60"],
            environment: harness.gatewayEnvironment(group: "operator")
        )
        // SIGKILL the gateway once the replay has delivered something, then the replay itself.
        func waitUntilApplied(_ count: Int) async throws {
            let end = ContinuousClock.now + .seconds(30)
            while try await harness.applied(by: "dvcqg") < count, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        }
        try await waitUntilApplied(2)
        gateway.kill()
        let survivor = try harness.startGateway(group: "replay-crash", name: "replay-crash-2")
        try await waitUntilApplied(4)
        kill(replay.process.processIdentifier, SIGKILL)
        let first = await replay.finish(timeout: .seconds(10))
        // Events, not calls: the journal also counts sign-ins and progress calls.
        let journalAtKill = try await harness.journal(of: "dvcqg")
        let appliedAtKill = Set(early.map(\.dossierCode)).reduce(0) { $0 + Self.applied(journalAtKill, dossier: $1).count }
        print("replay killed by SIGKILL (exit \(first.status)) with \(appliedAtKill) of 9 events applied")
        #expect(appliedAtKill < 9, "the replay was killed before it was through")

        // Running it again completes it.
        let second = try command(harness, ["replay", "--yes", "--json", "--timeout", "60"])
        #expect(second.status == 0, "\(second.output)")
        print("replay run again: \((try? json(second)["counts"]) ?? second.output)")
        let parked = try json(try command(harness, ["parked", "list", "--json"]), as: [[String: Any]].self)
        #expect(parked.isEmpty, "every dossier released: \(parked)")
        let journal = try await harness.journal(of: "dvcqg")
        for dossier in Set(early.map(\.dossierCode)) {
            #expect(Self.applied(journal, dossier: dossier) == early.filter { $0.dossierCode == dossier }.map(\.id), "in order, nothing lost")
        }
        #expect(await survivor.terminate() == 0)
    }

    @Test func aReleasedDossiersLaterEventsGoOutFromARunningGatewayWithoutItsHeldBackOnes() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let (early, late, gateway) = try await parkThreeDossiers(harness, group: "release")
        let dossier = early[0].dossierCode
        let released = try command(harness, ["parked", "release", "--target", "dvcqg", "--dossier", dossier, "--operator", "duty-officer"])
        #expect(released.status == 0, "\(released.output)")
        let producer = try harness.producer()
        try await harness.produce(late.filter { $0.dossierCode == dossier }, with: producer)
        await producer.shutdown()
        let end = ContinuousClock.now + .seconds(60)
        while Self.applied(try await harness.journal(of: "dvcqg"), dossier: dossier).isEmpty, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Self.applied(try await harness.journal(of: "dvcqg"), dossier: dossier) == [late.first { $0.dossierCode == dossier }!.id], "only the later event goes")
        let parked = try json(try command(harness, ["parked", "list", "--json"]), as: [[String: Any]].self)
        #expect(parked.count == 2 && !parked.contains { $0["dossierCode"] as? String == dossier })
        #expect(await gateway.terminate() == 0)
    }

    @Test func whatCannotBeReplayedGetsAClearErrorAndWritesNothing() async throws {
        let harness = try ProcessHarness(partitions: 1)
        let producer = try harness.producer()
        _ = try await producer.send(.init(topic: "dossier.events", key: "000.00.12.H13-250711-00099", value: Array("not an event".utf8)))
        await producer.shutdown()
        let gateway = try harness.startGateway(group: "replay-invalid", name: "replay-invalid")
        let end = ContinuousClock.now + .seconds(60)
        while try await harness.retained("gateway.dlq") < 1, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(100)) }
        #expect(await gateway.terminate() == 0)
        let before = try await ends(harness)
        let refused = try command(harness, ["replay", "--yes"])
        #expect(refused.status == 1 && refused.output.contains("cannot replay") && refused.output.contains("correct the event at the one-stop"), "\(refused.output)")
        #expect(try command(harness, ["replay"]).status == 2, "without a terminal, a real replay needs --yes")
        #expect(try command(harness, ["replay", "--rate", "0", "--yes"]).status == 2)
        #expect(try await ends(harness) == before, "nothing written")
    }
}

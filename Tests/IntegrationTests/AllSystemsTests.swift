import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import MockSupport
import SampleTraffic
import Testing

/// The real gateway with all five national systems enabled, against their mocks.
@Suite(.serialized) struct AllSystemsTests {
    /// Every system on, with DVCQG's production deadline: on a loaded machine the fault tests'
    /// 2 s deadline times out calls the mock then applies, and the retried insert meets
    /// "đã tồn tại", which this test would count as a refusal.
    static let allEnabled = [
        "GATEWAY__targets__emc__enabled": "true", "GATEWAY__targets__hotich__enabled": "true",
        "GATEWAY__targets__bca__enabled": "true", "GATEWAY__targets__vbdlis__enabled": "true",
        "GATEWAY__targets__dvcqg__connection__timeoutMilliseconds": "10000",
    ]

    /// Both DVCQG deployment styles, chosen by configuration alone.
    @Test(arguments: ["direct", "lgsp"])
    func everySystemReceivesOnlyConformingRequestsInEachDossiersOrder(dvcqgStyle: String) async throws {
        let events = SampleTraffic(seed: 11).events(count: 600)
        let position = Dictionary(uniqueKeysWithValues: events.enumerated().map { ($1.id, $0) })
        let overrides = Self.allEnabled.merging(["GATEWAY__targets__dvcqg__connection__style": dvcqgStyle]) { $1 }
        try await GatewayHarness.run(overrides: overrides) { harness in
            try await harness.stack.produce(events)
            let snapshot = try await harness.waitUntilIdle(consumed: events.count)
            #expect(snapshot.count(.deadLettered) == 0 && snapshot.count(.parked) == 0)
            #expect(Set(snapshot.outcomes.keys) == ["dvcqg", "bca", "vbdlis", "hotich", "emc"], "every system had traffic")

            for (target, control) in harness.stack.mocks.controls {
                let journal = await control.journal.all()
                let refused = journal.filter { !$0.accepted }
                #expect(refused.isEmpty, "\(target) refused: \(refused.prefix(3).map { $0.rejection ?? "-" })")
                // Each dossier's requests arrive in the order its events were published.
                var lastPosition: [String: Int] = [:]
                for entry in journal {
                    guard let key = entry.idempotencyKey, let index = position[String(key.prefix { $0 != "/" })], let dossier = entry.dossiers.first else { continue }
                    #expect(index >= lastPosition[dossier, default: -1], "\(target): \(dossier) out of order at \(key)")
                    lastPosition[dossier] = index
                }
            }
            let bca = await harness.stack.mocks.control("bca").journal.all()
            #expect(bca.contains { $0.statuses == ["5"] }, "some interconnected dossiers went all the way to 5")
            let dvcqg = await harness.stack.mocks.control("dvcqg").journal.all()
            let lgsp = dvcqg.filter { $0.path.hasPrefix("/lgsp/") }
            if dvcqgStyle == "lgsp" {
                #expect(lgsp.count == dvcqg.count && !dvcqg.contains { $0.operation == "login" }, "through the LGSP: no login, one URL per operation")
                #expect(Set(lgsp.map(\.path)) == ["/lgsp/dvcqg/hoso/themmoi", "/lgsp/dvcqg/hoso/capnhat", "/lgsp/dvcqg/tiendo"])
            } else {
                #expect(lgsp.isEmpty && dvcqg.contains { $0.operation == "login" })
            }
        }
    }

    @Test func anOutageOfOneSystemHoldsOnlyItsOwnLane() async throws {
        let events = SampleTraffic(seed: 12).events(count: 300)
        try await GatewayHarness.run(overrides: Self.allEnabled) { harness in
            await harness.stack.mocks.control("vbdlis").faults.add(FaultPlan(status: 503, retryAfterSeconds: 1, count: 1_000_000))
            try await harness.stack.produce(events)
            let end = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < end {
                let outcomes = harness.gateway.statistics.snapshot.outcomes
                if (outcomes["dvcqg"]?.values.reduce(0, +) ?? 0) == events.count, (outcomes["emc"]?.values.reduce(0, +) ?? 0) == events.count { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let during = harness.gateway.statistics.snapshot
            #expect(during.outcomes["dvcqg"]?[.delivered] == events.count, "DVCQG kept flowing while VBDLIS was down")
            #expect(during.outcomes["emc"]?[.delivered] == events.count)
            #expect((during.outcomes["vbdlis"]?.values.reduce(0, +) ?? 0) == 0, "nothing was given up on VBDLIS")
            await harness.stack.mocks.control("vbdlis").faults.clear()
            let after = try await harness.waitUntilIdle(consumed: events.count, timeout: .seconds(120))
            #expect(after.count(.deadLettered) == 0)
            #expect((after.outcomes["vbdlis"]?[.delivered] ?? 0) > 0, "VBDLIS drained after recovery")
        }
    }
}

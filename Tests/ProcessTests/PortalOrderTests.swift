import Foundation
import GatewayModel
import MockSupport
import SampleTraffic
import Testing

/// The BCA portal refuses a status sent again after a later one was accepted. A gateway killed
/// with SIGKILL after the portal accepted status 3 (its answer lost) and before status 7 must,
/// once restarted, never send status 1 again.
@Suite(.serialized) struct PortalOrderTests {
    @Test func aKillBetweenStatusThreeAndSevenSendsNoStatusAgainBehindALaterOne() async throws {
        let harness = try ProcessHarness(partitions: 2)
        // A birth dossier's reception (statuses 1, 3) and its forwarding (status 7).
        let traffic = SampleTraffic(seed: 41).events(count: 400)
        let dossier = try #require(traffic.first { event in
            event.type == .received && event.data.procedure.interconnectModule == "LTKS"
                && traffic.contains { $0.dossierCode == event.dossierCode && $0.type == .progressed }
        }?.dossierCode)
        let received = try #require(traffic.first { $0.dossierCode == dossier && $0.type == .received })
        let progressed = try #require(traffic.first { $0.dossierCode == dossier && $0.type == .progressed })
        let events = [received, progressed]

        // Status 1 goes through; status 3 is applied by the portal, but its answers never come back.
        try await harness.fault(on: "bca", FaultPlan(latencyMilliseconds: 1, count: 1, operation: "CapNhatTrangThaiHoSoLT"))
        try await harness.fault(on: "bca", FaultPlan(status: 503, count: 10_000, operation: "CapNhatTrangThaiHoSoLT", afterProcessing: true))
        let producer = try harness.producer()
        try await harness.produce(events, with: producer)
        await producer.shutdown()

        let first = try harness.startGateway(group: "portal-order", name: "before-kill")
        let end = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < end {
            let journal = try await harness.journal(of: "bca")
            if journal.contains(where: { $0.dossiers == [dossier] && $0.statuses == ["3"] && $0.accepted }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        first.kill()
        try await harness.clearFaults(on: "bca")

        let second = try harness.startGateway(group: "portal-order", name: "after-kill")
        let results = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(events), timeout: .seconds(180))
        #expect(await second.terminate() == 0)

        let pushes = try await harness.journal(of: "bca").filter { $0.dossiers == [dossier] }
        let sent = pushes.compactMap(\.statuses.first)
        print("BCA pushes of \(dossier): \(pushes.map { "\($0.statuses.first ?? "-") \($0.status) \($0.accepted ? "applied" : $0.rejection ?? "refused")" })")
        #expect(sent.first == "1" && sent.filter { $0 == "1" }.count == 1, "status 1 is never sent again: \(sent)")
        #expect(sent.last == "7")
        #expect(!pushes.contains { $0.rejection?.lowercased().contains("logic xử lý không hợp lệ") == true }, "the portal refused nothing as out of order")
        let applied = pushes.filter { $0.accepted }.compactMap(\.statuses.first)
        #expect(applied == ["1", "3", "7"], "the portal saw each status once, in order: \(applied)")
        let bca = results.filter { $0.target == "bca" }
        #expect(bca.count == 2 && bca.allSatisfy { $0.outcome == .delivered || $0.outcome == .duplicate }, "\(bca.map(\.outcome))")
    }
}

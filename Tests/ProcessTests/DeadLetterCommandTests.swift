import Foundation
import GatewayModel
import MockSupport
import SampleTraffic
import Testing

/// `gateway dlq list|show|stats` read what a separate gateway process dead-lettered, from the
/// broker alone.
@Suite(.serialized) struct DeadLetterCommandTests {
    func command(_ arguments: [String], bootstrap: String) throws -> ProgramRun {
        try ProgramRun.run(ProcessHarness.testBinary, arguments, environment: ["GATEWAY__kafka__bootstrapServers": bootstrap])
    }

    @Test func anOperatorListsShowsAndCountsTheDeadLettersOfAGateway() async throws {
        let harness = try ProcessHarness(partitions: 2)
        // One event per dossier, so that no follower is parked behind the refused one.
        let events = SampleTraffic(seed: 5).events(count: 30).filter { $0.type == .received }.prefix(4).map { $0 }
        try #require(events.count == 4)
        try await harness.fault(on: "dvcqg", FaultPlan(status: 400, body: #"{"error_code":"-1","message":"Dữ liệu không hợp lệ"}"#, count: 1, operation: "DongBoHoSoMC"))
        let producer = try harness.producer()
        try await harness.produce(events, with: producer)
        _ = try await producer.send(.init(topic: "dossier.events", key: "000.00.12.H13-250711-00099", value: Array("not an event".utf8)))
        await producer.shutdown()
        let running = try harness.startGateway(group: "dlq-commands", name: "dlq")
        _ = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(events), timeout: .seconds(120))
        #expect(await running.terminate() == 0)

        let listed = try command(["dlq", "list", "--json"], bootstrap: harness.bootstrap)
        #expect(listed.status == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        #expect(entries.count == 2, "one refused delivery and one invalid record: \(listed.output)")
        let refused = try #require(entries.first { $0["target"] as? String == "dvcqg" })
        #expect(refused["errorClass"] as? String == "http-400" && refused["operation"] as? String == "DongBoHoSoMC" && refused["reason"] as? String == "permanent")
        #expect(entries.contains { $0["target"] as? String == "none" && $0["errorClass"] as? String == "invalid-event" })

        let table = try command(["dlq", "list", "--target", "dvcqg"], bootstrap: harness.bootstrap)
        #expect(table.status == 0 && table.output.contains("ERROR CLASS") && table.output.contains("http-400") && table.output.contains("1 dead letter\n"), "\(table.output)")
        #expect(!table.output.contains("invalid-event"), "the filter holds")

        let id = try #require(refused["id"] as? String)
        let shown = try command(["dlq", "show", id], bootstrap: harness.bootstrap)
        #expect(shown.status == 0 && shown.output.contains("dlq.reason: permanent"), "\(shown.output)")
        let event = try #require(events.first { $0.dossierCode == refused["dossierCode"] as? String })
        #expect(!shown.output.contains(event.data.applicant.fullName), "the citizen's name is masked")
        let revealed = try command(["dlq", "show", id, "--reveal", "--operator", "duty-officer", "--reason", "citizen asked"], bootstrap: harness.bootstrap)
        #expect(revealed.status == 0 && revealed.output.contains(event.data.applicant.fullName), "revealed in clear")
        let audit = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["kcat", "-C", "-b", harness.bootstrap, "-t", "gateway.audit", "-e", "-q", "-f", "%k %s\n"])
        #expect(audit.output.contains(#""action":"dlq-reveal""#) && audit.output.contains(#""deadLetterId":"\#(id)""#) && audit.output.contains("citizen asked"), "\(audit.output)")

        let stats = try command(["dlq", "stats", "--json"], bootstrap: harness.bootstrap)
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: [String: Int]])
        #expect(counts["byTarget"] == ["dvcqg": 1, "none": 1] && counts["total"] == ["all": 2], "\(stats.output)")

        #expect(try command(["dlq", "show", "0:999999"], bootstrap: harness.bootstrap).status == 1, "an unknown id fails")
        #expect(try command(["dlq", "list", "--since", "yesterday"], bootstrap: harness.bootstrap).status == 2, "a usage error is 2")
    }

    @Test func anOperatorSeesWhichDossiersAreParkedAndHowManyEventsWait() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let traffic = SampleTraffic(seed: 8).events(count: 40)
        let dossier = try #require(Dictionary(grouping: traffic, by: \.dossierCode).first { $0.value.count >= 3 }?.value.prefix(3).map { $0 })
        try await harness.fault(on: "dvcqg", FaultPlan(status: 400, body: #"{"error_code":"-1","message":"Dữ liệu không hợp lệ"}"#, count: 1, operation: "DongBoHoSoMC"))
        let producer = try harness.producer()
        try await harness.produce(dossier, with: producer)
        await producer.shutdown()
        let running = try harness.startGateway(group: "parked-commands", name: "parked")
        _ = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(dossier), timeout: .seconds(120))
        #expect(await running.terminate() == 0)

        let listed = try command(["parked", "list", "--json"], bootstrap: harness.bootstrap)
        #expect(listed.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        #expect(rows.count == 1, "\(listed.output)")
        #expect(rows.first?["target"] as? String == "dvcqg" && rows.first?["dossierCode"] as? String == dossier[0].dossierCode)
        #expect(rows.first?["behindEventId"] as? String == dossier[0].id, "it waits behind the refused first event")
        #expect(rows.first?["eventsWaiting"] as? Int == 2, "the dossier's two later events wait behind it")

        let table = try command(["parked", "list", "--target", "emc"], bootstrap: harness.bootstrap)
        #expect(table.status == 0 && table.output.contains("0 parked dossiers"), "\(table.output)")

        let code = dossier[0].dossierCode
        #expect(try command(["parked", "skip", "--target", "dvcqg", "--dossier", code], bootstrap: harness.bootstrap).status == 2, "skip needs a reason")
        #expect(try command(["parked", "release", "--target", "dvcqg", "--dossier", "000.00.00.H00-000000-00000"], bootstrap: harness.bootstrap).status == 1, "not parked")
        let skipped = try command(["parked", "skip", "--target", "dvcqg", "--dossier", code, "--reason", "corrected at the source", "--operator", "duty-officer"], bootstrap: harness.bootstrap)
        #expect(skipped.status == 0, "\(skipped.output)")
        let after = try command(["parked", "list", "--json"], bootstrap: harness.bootstrap)
        #expect((try JSONSerialization.jsonObject(with: Data(after.output.utf8)) as? [Any])?.isEmpty == true, "released: \(after.output)")
        let audit = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["kcat", "-C", "-b", harness.bootstrap, "-t", "gateway.audit", "-e", "-q", "-f", "%k %s\n"])
        #expect(audit.output.contains("dvcqg/\(code)") && audit.output.contains(#""action":"parked-skip""#), "\(audit.output)")
        #expect(audit.output.contains(#""operator":"duty-officer""#) && audit.output.contains("corrected at the source") && audit.output.contains(dossier[0].id))
    }
}

import Foundation
import GatewayCore
import GatewayModel
import GatewayRuntime
import Kafka
import Testing

@Suite struct ReplayPlanTests {
    let dossier = "000.00.12.H13-250711-00001"

    /// A dead letter as the index reads it from a record of `gateway.dlq` at `id` (`partition:offset`).
    func letter(_ id: String, event: String?, target: String = "dvcqg", dossier: String? = nil, errorClass: String = "parked", extra: [String: String] = [:], value: String? = nil) -> DeadLetterEntry {
        var headers = [
            DeadLetter.Header.target: target, DeadLetter.Header.originalPartition: "3",
            DeadLetter.Header.errorClass: errorClass, "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ]
        if let event { headers[DeadLetter.Header.eventId] = event }
        headers.merge(extra) { $1 }
        let place = id.split(separator: ":").map { Int64($0)! }
        let message = KafkaConsumerMessage(
            topic: "gateway.dlq", partition: Int32(place[0]), offset: place[1], key: Array((dossier ?? self.dossier).utf8),
            value: Array((value ?? #"{"id":"\#(event ?? "")"}"#).utf8), headers: headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, text: $0.value) },
            timestampMilliseconds: nil
        )
        return DeadLetterIndex.entry(message)
    }

    @Test func aSelectedDeadLetterBringsItsParkedDossiersRemainingHeldBackEventsInOrder() {
        let parked = ParkedDossier(dossierCode: dossier, target: "dvcqg", eventId: "e-1", reason: "permanent", followers: ["e-2", "e-3"], replayed: 1)
        let all = [
            letter("0:1", event: "e-1", errorClass: "http-400"), letter("0:2", event: "e-2"), letter("0:3", event: "e-3"),
            letter("0:4", event: "e-2", errorClass: "http-400"),
        ]
        let plan = ReplayPlan(selected: [all[0], all[1]], all: all, parked: [parked])
        #expect(plan.groups.count == 1)
        #expect(plan.groups[0].items.map(\.id) == ["0:4", "0:3"], "from the next held-back event on, each as its latest dead letter")
        #expect(plan.groups[0].partition == 3 && plan.groups[0].shortfall == nil)
        #expect(plan.refusals.map(\.why) == ["delivered already by an earlier replay"] && plan.refusals[0].settled)
    }

    @Test func whatIsNotHeldBackIsNotSentAndAnInvalidRecordIsRefused() {
        let invalid = letter("1:9", event: nil, target: "none", errorClass: "invalid-event", value: "not an event")
        let released = letter("0:1", event: "e-1", dossier: "000.00.12.H13-250711-00002")
        let plan = ReplayPlan(selected: [invalid, released], all: [invalid, released], parked: [])
        #expect(plan.groups.isEmpty && plan.itemCount == 0)
        #expect(plan.refusals.map(\.settled) == [false, true])
        #expect(plan.refusals[0].why.contains("correct the event at the one-stop") && plan.refusals[1].why.contains("not parked"))
    }

    @Test func aHeldBackEventWithoutItsDeadLetterStopsTheGroupThere() {
        let parked = ParkedDossier(dossierCode: dossier, target: "dvcqg", eventId: "e-1", reason: "permanent", followers: ["e-2", "e-3"])
        let all = [letter("0:1", event: "e-1"), letter("0:3", event: "e-3")]
        let plan = ReplayPlan(selected: all, all: all, parked: [parked])
        #expect(plan.groups.first?.items.map(\.id) == ["0:1"])
        #expect(plan.groups.first?.shortfall?.contains("e-2 has no dead letter") == true)
    }

    @Test func aReplayRecordCarriesTheOriginalHeadersAndItsOwnButNoDeadLetterHeaders() {
        let parked = ParkedDossier(dossierCode: dossier, target: "dvcqg", eventId: "e-1", reason: "permanent")
        let earlier = letter("0:1", event: "e-1", extra: [Replay.Header.target: "dvcqg", Replay.Header.id: "replay-old", Replay.Header.deadLetter: "0:0"])
        let plan = ReplayPlan(selected: [earlier], all: [earlier], parked: [parked])
        let record = ReplayPlan.record(for: earlier, in: plan.groups[0], replayID: "replay-new", eventsTopic: "dossier.events")
        let headers = Dictionary(record.headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }, uniquingKeysWith: { _, last in last })
        #expect(record.topic == "dossier.events" && record.partition == 3 && record.key == Array(dossier.utf8))
        #expect(record.headers.filter { $0.key == Replay.Header.id }.count == 1 && headers[Replay.Header.id] == "replay-new" && headers[Replay.Header.deadLetter] == "0:1")
        #expect(headers["traceparent"] != nil && !headers.keys.contains { $0.hasPrefix("dlq.") })
        let replay = try? Replay(headers: record.headers.map { EventOrigin.Header(key: $0.key, value: $0.value) })
        #expect(replay == Replay(target: "dvcqg", id: "replay-new", deadLetter: "0:1"))
    }
}

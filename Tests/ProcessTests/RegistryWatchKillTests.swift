import Foundation
import GatewayModel
import Kafka
import SampleTraffic
import Testing

/// The civil registry's answers with real gateway processes killed with SIGKILL while they
/// publish: every state the registry reached while watched arrives on the inbound topic, once,
/// in the registry's order per dossier.
@Suite(.serialized) struct RegistryWatchKillTests {
    static func answers(_ messages: [KafkaConsumerMessage]) -> [(offset: Int64, event: RegistryAnswerEvent)] {
        messages.compactMap { message in
            (try? JSONCoding.decoder.decode(RegistryAnswerEvent.self, from: Data(message.value))).map { (message.offset, $0) }
        }
    }

    static func dossiers(_ messages: [KafkaConsumerMessage], reaching states: Set<Int>) -> Set<String> {
        Set(answers(messages).filter { states.contains($0.event.data.trangThai) }.map(\.event.subject))
    }

    @Test func gatewaysKilledDuringTheRegistryFlowLoseNoAnswerAndPublishNoneTwice() async throws {
        let harness = try ProcessHarness(partitions: 2)
        // Registrations stay where the test puts them.
        try await harness.control("hotich", post: "registry/pace", ["eligibleAfterMilliseconds": 3_600_000, "issuedAfterMilliseconds": 3_600_000])
        let received = Array(SampleTraffic(seed: 11).events(count: 800).filter { $0.type == .received && $0.data.civilStatus != nil }.prefix(8))
        let dossiers = Set(received.map(\.dossierCode)).sorted()
        #expect(dossiers.count == 8)
        let producer = try harness.producer()
        try await harness.produce(received, with: producer)
        await producer.shutdown()
        let inbound = "nationalsystems.inbound"

        // Every registration is watched and its "sent" comes back.
        var gateway = try harness.startGateway(group: "registry-kill", name: "first")
        _ = try await harness.read(inbound, timeout: .seconds(120)) { Self.dossiers($0, reaching: [1]).count == dossiers.count }

        // Half become eligible, half need a supplement; the gateway is killed about when it publishes them.
        for (index, dossier) in dossiers.enumerated() {
            try await harness.control("hotich", post: "registry/state", ["maHoSoMCDT": dossier, "trangThai": index.isMultiple(of: 2) ? 3 : 2])
        }
        try await Task.sleep(for: .milliseconds(350))
        gateway.kill()

        // A new process finds what the first published and publishes the rest.
        gateway = try harness.startGateway(group: "registry-kill", name: "second")
        _ = try await harness.read(inbound, timeout: .seconds(120)) { Self.dossiers($0, reaching: [2, 3]).count == dossiers.count }

        // Results issued or refused; this one is killed as soon as the first of them is out.
        for (index, dossier) in dossiers.enumerated() {
            try await harness.control("hotich", post: "registry/state", ["maHoSoMCDT": dossier, "trangThai": index.isMultiple(of: 2) ? 4 : 6])
        }
        _ = try await harness.read(inbound, timeout: .seconds(120)) { !Self.dossiers($0, reaching: [4, 6]).isEmpty }
        gateway.kill()

        gateway = try harness.startGateway(group: "registry-kill", name: "third")
        let messages = try await harness.read(inbound, timeout: .seconds(120)) { Self.dossiers($0, reaching: [4, 6]).count == dossiers.count }
        // A little longer: a duplicate would come with the next poll.
        try await Task.sleep(for: .seconds(2))
        let all = try await harness.read(inbound, timeout: .seconds(10)) { $0.count >= messages.count + 1 }
        #expect(await gateway.terminate() == 0)

        let answers = Self.answers(all)
        #expect(answers.count == all.count, "every inbound record is an InboundEvent")
        #expect(Set(answers.map(\.event.id)).count == answers.count, "no answer published twice: \(answers.map(\.event.id))")
        for (index, dossier) in dossiers.enumerated() {
            let states = answers.filter { $0.event.subject == dossier }.sorted { $0.offset < $1.offset }.map(\.event.data.trangThai)
            let expected = index.isMultiple(of: 2) ? [1, 3, 4] : [1, 2, 6]
            #expect(states == expected, "\(dossier): every state once, in order: \(states)")
        }
        let issued = answers.filter { $0.event.data.trangThai == 4 }
        #expect(issued.count == 4 && issued.allSatisfy { $0.event.data.result?.certificateBase64 != nil })
    }
}

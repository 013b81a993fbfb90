import Foundation
import GatewayModel
import Kafka
import MockSupport
import Testing

/// The BCA portal's inbox with real gateway processes killed with SIGKILL between publishing a
/// dossier and acknowledging it: every dossier arrives on the inbound topic once, and the
/// portal is told of each only once it is there.
@Suite(.serialized) struct PortalInboxKillTests {
    static func dossiers(_ messages: [KafkaConsumerMessage]) -> [InboundEvent<PortalDossier>] {
        messages.compactMap { message in
            guard let envelope = try? JSONCoding.decoder.decode(InboundEnvelope.self, from: Data(message.value)), envelope.type == PortalDossier.type else { return nil }
            return try? JSONCoding.decoder.decode(InboundEvent<PortalDossier>.self, from: Data(message.value))
        }
    }

    @Test func gatewaysKilledWhileTakingTheInboxInLoseNoDossierAndPublishNoneTwice() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let inbound = "nationalsystems.inbound"
        // Slow acknowledgements: each gateway is killed after a dossier is out and before the portal heard of it.
        try await harness.fault(on: "bca", FaultPlan(latencyMilliseconds: 8_000, count: 2, operation: "danhan"))
        try await harness.control("bca", post: "portal/dossiers", ["count": 6])

        var gateway = try harness.startGateway(group: "portal-kill", name: "first")
        _ = try await harness.read(inbound, timeout: .seconds(120)) { !Self.dossiers($0).isEmpty }
        gateway.kill()
        #expect(((try await harness.control("bca", get: "portal/acknowledged"))["dossiers"] as? [String])?.isEmpty == true, "killed before the acknowledgement")

        gateway = try harness.startGateway(group: "portal-kill", name: "second")
        _ = try await harness.read(inbound, timeout: .seconds(120)) { Self.dossiers($0).count >= 2 }
        gateway.kill()

        gateway = try harness.startGateway(group: "portal-kill", name: "third")
        var acknowledged: [String] = []
        let end = ContinuousClock.now + .seconds(120)
        while acknowledged.count < 6, ContinuousClock.now < end {
            acknowledged = (try await harness.control("bca", get: "portal/acknowledged"))["dossiers"] as? [String] ?? []
            try await Task.sleep(for: .milliseconds(200))
        }
        // A duplicate would come with the next round.
        try await Task.sleep(for: .seconds(1))
        let published = Self.dossiers(try await harness.read(inbound, timeout: .seconds(5)) { _ in false })
        #expect(await gateway.terminate() == 0)

        #expect(acknowledged.count == 6, "every dossier acknowledged in the end: \(acknowledged)")
        #expect(published.count == 6, "each published once: \(published.map(\.id))")
        #expect(Set(published.map(\.id)).count == published.count)
        #expect(Set(published.map(\.subject)) == Set(acknowledged), "acknowledged only what is on the inbound topic")
        #expect(published.allSatisfy { $0.data.attachments.count == 1 && $0.data.record != .null })
        let journal = try await harness.journal(of: "bca")
        let listed = journal.filter { $0.operation == "detail" && $0.accepted }
        #expect(listed.count >= 6, "each dossier read in detail")
    }
}

import Foundation
import GatewayDev
import GatewayModel
import GatewayRuntime
import Kafka
import Logging
import MockSupport
import Testing

/// Contract test: what a real gateway publishes on `nationalsystems.inbound` (the civil
/// registry's answers, the BCA portal's dossiers, VBDLIS's callbacks) validates against
/// `Contracts/events/inbound-event.schema.json`.
@Suite struct InboundSchemaTests {
    @Test func everyInboundEventValidatesAgainstTheInboundSchema() async throws {
        var logger = Logger(label: "inbound")
        logger.logLevel = .critical
        let stack = try await DevStack.start(partitions: 2, contractsDirectory: ContractFixtures.contracts.path, logger: logger)
        let gateway = Gateway(configuration: try stack.gatewayConfiguration(groupId: "inbound-schema"), logger: logger, environment: stack.secrets)
        let running = Task { try await gateway.run() }
        let end = ContinuousClock.now + .seconds(60)
        while gateway.callbackListenerPort == nil, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        try await stack.sendCallbacks(toPort: try #require(gateway.callbackListenerPort))
        try await stack.control("bca", "portal/dossiers", body: ["count": 2])
        // A civil registration (answered sent, eligible, issued) and a land dossier (called back).
        let events = try ContractFixtures.exampleEvents().filter { ["civil-received", "land-received"].contains($0.name) }.map(\.event)
        #expect(events.count == 2)
        try await stack.produce(events)

        var messages: [KafkaConsumerMessage] = []
        while ContinuousClock.now < end {
            messages = try await stack.read(DevStack.topics.inbound, count: 1_000, timeout: .seconds(1))
            let types = Set(messages.compactMap { try? JSONCoding.decoder.decode(InboundEnvelope.self, from: Data($0.value)).type })
            if types.contains("vn.gov.hotich.registration.result-issued"), types.contains(PortalDossier.type), types.contains("vn.gov.vbdlis.chuyenhoso") { break }
        }
        // What /status shows of the inbound flows.
        let inbound = await gateway.monitor.status().inbound
        #expect(inbound?.callbackPort == gateway.callbackListenerPort && inbound?.portalOwner == true, "\(String(describing: inbound))")
        #expect(inbound?.registryPending != nil && (inbound?.portalDossiersKnown ?? 0) >= 2)
        running.cancel()
        _ = try? await running.value
        await stack.shutdown()

        let types = Set(messages.compactMap { try? JSONCoding.decoder.decode(InboundEnvelope.self, from: Data($0.value)).type })
        #expect(types.isSuperset(of: ["vn.gov.hotich.registration.result-issued", PortalDossier.type, "vn.gov.vbdlis.chuyenhoso"]), "\(types)")
        let documents = try messages.map { RecordSchemaTests.Document(schema: "events/inbound-event.schema.json", body: try JSONDecoder().decode(JSONValue.self, from: Data($0.value))) }
        let (status, report) = try ContractCheck.run(documents)
        print(report.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(status == 0, "\(report)")
    }
}

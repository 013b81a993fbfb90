import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import Kafka
import Logging
import SampleTraffic
import Testing

/// The sample traffic reaches Kafka as the one-stop system publishes it: each dossier's
/// events in order, which every ordering check downstream relies on.
@Suite struct DevStackTests {
    @Test func publishedEventsKeepEachDossiersOrder() async throws {
        let stack = try await DevStack.start(partitions: 3, contractsDirectory: GatewayHarness.contracts, logger: Logger(label: "dev-stack-test"))
        let events = SampleTraffic(seed: 31).events(count: 3_000)
        let records: [KafkaConsumerMessage]
        do {
            try await stack.produce(events)
            records = try await stack.read(DevStack.topics.events, count: events.count, timeout: .seconds(60))
        } catch {
            await stack.shutdown()
            throw error
        }
        await stack.shutdown()
        #expect(records.count == events.count)
        var expected: [String: [String]] = [:]
        for event in events { expected[event.dossierCode, default: []].append(event.id) }
        var published: [String: [String]] = [:]
        for record in records.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let event = try DossierEventDecoder.decode(record.value, key: record.keyText)
            published[event.dossierCode, default: []].append(event.id)
        }
        #expect(published == expected)
    }
}

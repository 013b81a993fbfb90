import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Kafka
import Logging
import MockSupport
import Testing

/// Contract test 4: the result records and dead letters a real gateway writes validate
/// against `Contracts/records/` (delivered, duplicate, dead-lettered and an invalid event).
@Suite struct RecordSchemaTests {
    struct Document: Encodable {
        var schema: String
        var body: JSONValue
    }

    @Test func producedResultsAndDeadLettersValidateAgainstOurSchemas() async throws {
        var logger = Logger(label: "records")
        logger.logLevel = .critical
        let stack = try await DevStack.start(partitions: 1, contractsDirectory: ContractFixtures.contracts.path, logger: logger)
        let configuration = try stack.gatewayConfiguration(groupId: "records", overrides: ["GATEWAY__delivery__commitIntervalMilliseconds": "50"])
        let gateway = Gateway(configuration: configuration, logger: logger, environment: stack.secrets)
        let running = Task { try await gateway.run() }

        // Every example event, then the reception again under a new id (the systems already
        // know the dossier), and a record that is not an event.
        let events = try ContractFixtures.exampleEvents().map(\.event)
        await stack.mocks.control("emc").faults.add(FaultPlan(status: 400, body: #"{"message":"Bad request"}"#, count: 1))
        try await stack.produce(events)
        var again = try #require(events.first { $0.id == "9c1d7e04-6f2a-4b8e-9d3c-5a7b1e2f4a10" })
        again.id += "-again"
        try await stack.produce([again])
        try await stack.produceRaw(key: "000.00.12.H13-250711-00042", value: Array("not json".utf8))

        let end = ContinuousClock.now + .seconds(60)
        var snapshot = gateway.statistics.snapshot
        while snapshot.eventsConsumed < events.count + 2 || snapshot.totalOutcomes < snapshot.deliveriesRouted, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
            snapshot = gateway.statistics.snapshot
        }
        let results = try await stack.read(DevStack.topics.results, count: snapshot.totalOutcomes, timeout: .seconds(30))
        let letters = try await stack.read(DevStack.topics.dlq, count: snapshot.count(.deadLettered) + snapshot.invalidEvents, timeout: .seconds(30))
        running.cancel()
        _ = try? await running.value
        await stack.shutdown()

        var documents: [Document] = []
        for message in results {
            documents.append(Document(schema: "records/result-record.schema.json", body: try JSONDecoder().decode(JSONValue.self, from: Data(message.value))))
        }
        for letter in letters {
            let headers = letter.headers.filter { $0.key.hasPrefix("dlq.") }.map { ($0.key, JSONValue.string(String(decoding: $0.value, as: UTF8.self))) }
            documents.append(Document(schema: "records/dead-letter-headers.schema.json", body: .object(Dictionary(headers) { first, _ in first })))
            if let event = try? JSONDecoder().decode(JSONValue.self, from: Data(letter.value)) {
                documents.append(Document(schema: "events/dossier-event.schema.json", body: event))
            }
        }
        let outcomes = Set(results.compactMap { try? JSONCoding.decoder.decode(ResultRecord.self, from: Data($0.value)).outcome })
        #expect(outcomes.isSuperset(of: [.delivered, .duplicate, .deadLettered]), "every kind of result was produced: \(outcomes)")
        #expect(results.count == snapshot.deliveriesRouted, "one result per (event × target)")
        #expect(Set(results.compactMap { try? JSONCoding.decoder.decode(ResultRecord.self, from: Data($0.value)).target.rawValue }) == ["dvcqg", "bca", "vbdlis", "hotich", "emc"])
        let letterTargets = letters.compactMap { $0.headers.first { $0.key == "dlq.target" }.map { String(decoding: $0.value, as: UTF8.self) } }
        #expect(letterTargets.contains("emc") && letterTargets.contains("none"), "a dead letter from the 400 and one for the invalid event: \(letterTargets)")
        let (status, report) = try ContractCheck.run(documents)
        print(report.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(status == 0, "\(report)")
    }
}

import Foundation
import GatewayCore
import GatewayDev
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

        // Three example events: DVCQG and EMC each, the civil registry for the reception; then
        // the reception again: 10 results.
        let events = try ContractFixtures.exampleEvents().map(\.event)
        await stack.mocks.emc.control.faults.add(FaultPlan(status: 400, body: #"{"message":"Bad request"}"#, count: 1))
        try await stack.produce(events)
        // The reception again under a new id: the national systems already know the dossier.
        var again = try #require(events.first { $0.type == .received })
        again.id += "-again"
        try await stack.produce([again])
        try await stack.produceRaw(key: "000.00.12.H13-250711-00042", value: Array("not json".utf8))

        let results = try await stack.read(DevStack.topics.results, count: 10, timeout: .seconds(60))
        let letters = try await stack.read(DevStack.topics.dlq, count: 2, timeout: .seconds(30))
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
        #expect(letters.count == 2, "one dead letter from the 400, one invalid event")
        let (status, report) = try ContractCheck.run(documents)
        print(report.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(status == 0, "\(report)")
    }
}

import Foundation
import GatewayCore
import GatewayModel
import SampleTraffic
import Testing

/// `gateway-dev kafka` is a broker other programs use: `kcat` reads what a separate gateway process wrote.
@Suite(.serialized) struct EmbeddedBrokerTests {
    func kcat(_ arguments: [String]) throws -> String {
        let run = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["kcat"] + arguments)
        #expect(run.status == 0, "kcat \(arguments.joined(separator: " "))")
        return run.output
    }

    @Test func kcatReadsResultsAndDeadLettersWrittenByASeparateGateway() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let events = SampleTraffic(seed: 3).events(count: 20)
        let producer = try harness.producer()
        try await harness.produce(events, with: producer)
        _ = try await producer.send(.init(topic: "dossier.events", key: "000.00.12.H13-250711-00042", value: Array("not an event".utf8)))
        let gateway = try harness.startGateway(group: "kcat", name: "kcat")
        let results = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(events), timeout: .seconds(120))
        #expect(await gateway.terminate() == 0)
        await producer.shutdown()

        let lines = try kcat(["-C", "-b", harness.bootstrap, "-t", "gateway.results", "-e", "-q"]).split(separator: "\n")
        #expect(lines.count == results.count, "kcat reads every result record")
        #expect(lines.allSatisfy { (try? JSONCoding.decoder.decode(ResultRecord.self, from: Data($0.utf8))) != nil })
        let letters = try kcat(["-C", "-b", harness.bootstrap, "-t", "gateway.dlq", "-e", "-q", "-f", "%k|%s|%h\n"])
        #expect(letters.contains("000.00.12.H13-250711-00042|not an event|"), "the original key and value, untouched")
        #expect(letters.contains("dlq.reason=invalid-event"))
    }
}

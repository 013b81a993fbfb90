import Foundation
import GatewayCore
import GatewayModel
import GatewayRuntime
import Testing

/// Contract test 2: every recorded answer in `Contracts/<system>/examples/answers.json`,
/// played back to the real adapter, gets the verdict its table promises.
@Suite struct RecordedAnswerTests {
    struct Recorded: Decodable {
        var name: String
        var operation: String
        var status: Int
        var body: JSONValue?
        var verdict: Verdict
        /// The example event the call is made for; `received` when absent.
        var event: String?
    }

    static var systems: [String] { AdapterRegistry.systems.map { $0.target.rawValue } }

    @Test(arguments: systems)
    func recordedAnswersAreClassifiedAsTheTableSays(system: String) async throws {
        let descriptor = try #require(AdapterRegistry.system(named: system))
        let file = ContractFixtures.contracts.appendingPathComponent("\(system)/examples/answers.json")
        let recorded = try JSONDecoder().decode([Recorded].self, from: Data(contentsOf: file))
        #expect(recorded.count >= 4, "\(system) records answers of every kind")
        let events = Dictionary(uniqueKeysWithValues: try ContractFixtures.exampleEvents().map { ($0.name, $0.event) })
        for example in recorded {
            let event = try #require(events[example.event ?? "received"])
            let body = try example.body.map { Array(try JSONEncoder().encode($0)) } ?? []
            let transport = ScriptedTransport(answer: InboundResponse(status: example.status, body: body))
            let adapter = try ContractFixtures.adapter(descriptor, transport: transport)
            let answer = try await adapter.perform(example.operation, for: event, idempotencyKey: "contract/\(system)/\(example.operation)")
            #expect(answer.verdict == example.verdict, "\(system) '\(example.name)': \(answer.verdict) (\(answer.excerpt))")
            #expect(answer.httpStatus == example.status)
        }
    }
}

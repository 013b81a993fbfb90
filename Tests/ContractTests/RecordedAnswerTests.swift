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
        /// A body that is not JSON (a plain-text answer).
        var text: String?
        var verdict: Verdict
        /// The example event the call is made for; `received` when absent.
        var event: String?
    }

    static var systems: [String] { AdapterRegistry.systems.map { $0.target.rawValue } }

    /// Every rule says whether real clients show it or it is our choice; the README lists the assumed ones.
    @Test(arguments: systems)
    func everyRuleStatesItsBasis(system: String) throws {
        let table = try ClassificationTable.load(from: ContractFixtures.contracts.appendingPathComponent("\(system)/classification.json").path)
        #expect(table.rules.allSatisfy { $0.basis != nil }, "\(system): every rule has a basis")
        let readme = try String(contentsOf: ContractFixtures.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for rule in table.rules where rule.basis == .assumed {
            let condition = rule.message.map { "\"\($0)\"" } ?? rule.code.map { "code \($0.joined(separator: "/"))" } ?? rule.status.map { "HTTP \($0.joined(separator: "/"))" } ?? "-"
            let listed = readme.contains("| \(system) | \(condition)")
            #expect(listed, "README lists the assumed \(system) rule \(condition)")
        }
    }

    @Test(arguments: systems)
    func recordedAnswersAreClassifiedAsTheTableSays(system: String) async throws {
        let descriptor = try #require(AdapterRegistry.system(named: system))
        let file = ContractFixtures.contracts.appendingPathComponent("\(system)/examples/answers.json")
        let recorded = try JSONDecoder().decode([Recorded].self, from: Data(contentsOf: file))
        #expect(recorded.count >= 4, "\(system) records answers of every kind")
        let events = Dictionary(uniqueKeysWithValues: try ContractFixtures.exampleEvents().map { ($0.name, $0.event) })
        for example in recorded {
            let event = try #require(events[example.event ?? "received"])
            let body = try example.text.map { Array($0.utf8) } ?? example.body.map { Array(try JSONEncoder().encode($0)) } ?? []
            let transport = ScriptedTransport(answer: InboundResponse(status: example.status, body: body))
            let adapter = try ContractFixtures.adapter(descriptor, transport: transport)
            let answer = try await adapter.perform(example.operation, for: event, idempotencyKey: "contract/\(system)/\(example.operation)")
            #expect(answer.verdict == example.verdict, "\(system) '\(example.name)': \(answer.verdict) (\(answer.excerpt))")
            #expect(answer.httpStatus == example.status)
        }
    }
}

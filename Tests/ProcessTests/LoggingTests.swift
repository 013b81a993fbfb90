import Foundation
import GatewayDev
import Testing

/// The log of a real `gateway run`: with `logFormat` json every line is one JSON object,
/// librdkafka's own lines included.
@Suite struct LoggingTests {
    @Test func jsonLogsCarryLibrdkafkasLinesAsJSONToo() async throws {
        let harness = try ProcessHarness(partitions: 1)
        var environment = harness.gatewayEnvironment(group: "logging", overrides: ["GATEWAY__logFormat": "json"])
        // A broker that refuses connections: librdkafka has something to say.
        environment["GATEWAY__kafka__bootstrapServers"] = "127.0.0.1:1"
        let gateway = try RunningProgram.launch(ProcessHarness.testBinary, ["run"], environment: environment, withStandardError: true)
        let end = ContinuousClock.now + .seconds(30)
        while !gateway.outputSoFar.contains("\"label\":\"librdkafka\""), ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(100)) }
        kill(gateway.process.processIdentifier, SIGTERM)
        let run = await gateway.finish(timeout: .seconds(30))
        let lines = run.output.split(separator: "\n").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for line in lines.filter({ !$0.hasPrefix("Error:") }) {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] != nil && object?["level"] != nil && object?["message"] != nil, "not a JSON log line: \(line)")
        }
        #expect(!run.output.contains("dev-password"), "no password in the log")
        let kafka = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter { $0["label"] as? String == "librdkafka" }
        #expect(kafka.contains { $0["level"] as? String == "warning" && ($0["message"] as? String)?.contains("127.0.0.1:1") == true }, "\(run.output.prefix(2_000))")
    }
}

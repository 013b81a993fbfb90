import Foundation
import GatewayModel
import Logging
import Synchronization
import Testing
@testable import GatewayRuntime

@Suite struct JSONLogHandlerTests {
    @Test func eachEventIsOneJSONObjectOnOneLineWithPersonalDataMasked() throws {
        let lines = Mutex<[String]>([])
        var handler = SafeLogHandler(JSONLogHandler(label: "gateway") { text in lines.withLock { $0.append(text) } })
        handler.logLevel = .info
        let logger = Logger(label: "gateway") { _ in handler }
        logger.error("dead-lettered\nforged \"line\"", metadata: [
            LogKey.dossier: "000.00.12.H13-250711-00042", LogKey.httpStatus: "400", "excerpt": "CCCD 092301004217 \u{1B}[31m",
        ])
        logger.debug("below the level")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("}\n") && line.dropLast().split(separator: "\n").count == 1, "one line: \(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "error" && object["label"] as? String == "gateway")
        #expect((object["message"] as? String)?.hasPrefix("dead-lettered") == true)
        #expect(try Date((object["time"] as? String) ?? "", strategy: .iso8601) <= Date())
        let metadata = try #require(object["metadata"] as? [String: String])
        #expect(metadata[LogKey.dossier] == "000.00.12.H13-250711-00042" && metadata[LogKey.httpStatus] == "400")
        #expect(metadata["excerpt"]?.contains("092301004217") == false, "the CCCD number is masked: \(metadata)")
    }

    @Test func logFormatIsTextOrJSON() throws {
        #expect(try GatewayConfiguration.load(path: nil, environment: [:]).logFormat == "text")
        #expect(try GatewayConfiguration.load(path: nil, environment: ["GATEWAY__logFormat": "json"]).logFormat == "json")
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration.load(path: nil, environment: ["GATEWAY__logFormat": "xml"]) }
    }
}

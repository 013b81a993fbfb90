import Foundation
import GatewayCore
import GatewayModel
import Testing

/// The outcome vocabulary is a published contract: every value the types can take is documented.
@Suite struct VocabularyTests {
    static let contract = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Contracts/records/dead-letter.md")

    static func row(_ header: String) throws -> String {
        let text = try String(contentsOf: contract, encoding: .utf8)
        return text.split(separator: "\n").first { $0.hasPrefix("| `\(header)`") }.map(String.init) ?? ""
    }

    @Test(arguments: GiveUpReason.allCases)
    func everyGiveUpReasonIsDocumented(reason: GiveUpReason) throws {
        #expect(try Self.row("dlq.reason").contains("`\(reason.rawValue)`"), "dead-letter.md lacks dlq.reason \(reason)")
    }

    @Test(arguments: [ErrorClass.invalidEvent, .missingData, .encoding, .http(503), .transport(.timeout), .transport(.connectionReset),
                      .transport(.connectionRefused), .transport(.invalidRequest)])
    func theDocumentedErrorClassesKeepTheirNames(errorClass: ErrorClass) throws {
        let documented = errorClass.rawValue.hasPrefix("http-") ? "http-<status>" : errorClass.rawValue
        #expect(try Self.row("dlq.error.class").contains("`\(documented)`"), "dead-letter.md lacks dlq.error.class \(errorClass)")
    }
}

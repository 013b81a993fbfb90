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

    @Test(arguments: DeadLetter.Header.all)
    func everyDeadLetterHeaderIsDocumented(header: String) throws {
        let text = try String(contentsOf: Self.contract, encoding: .utf8)
        let documented = text.contains("`\(header)`") || (header.hasPrefix("dlq.original.") && text.contains("`dlq.original.topic` / `.partition` / `.offset` / `.timestamp`"))
        #expect(documented, "dead-letter.md lacks \(header)")
    }

    @Test(arguments: [ErrorClass.parked, .unknownOperation, .authentication, .loginRefused, .tokenRefused, .loginHTTP(503), .tokenHTTP(503), .transport(.tls), .transport(.other)])
    func theSignInAndLocalErrorClassesAreDocumented(errorClass: ErrorClass) throws {
        let documented = errorClass.rawValue.replacingOccurrences(of: "503", with: "<status>")
        #expect(try Self.row("dlq.error.class").contains("`\(documented)`"), "dead-letter.md lacks dlq.error.class \(errorClass)")
    }
}

import GatewayCore
import Testing

@Suite struct RedactionTests {
    @Test func masksIdentityNumbersButNotDatesOrCodes() {
        let text = "CCCD 092301004217, CMND 123456789, ngày 20250711083000, mã 000.00.12.H13-250711-00042"
        let masked = Redaction.mask(text)
        #expect(masked.contains("*********217"))
        #expect(masked.contains("******789"))
        #expect(!masked.contains("092301004217"))
        #expect(masked.contains("20250711083000"))
        #expect(masked.contains("000.00.12.H13-250711-00042"))
    }

    @Test func masksSecretsAndPersonalFields() {
        let body = #"{"session":"abc-123","ChuHoSo":"Nguyễn Thị Lan","password" : "p\"w","MaHoSo":"X-1-2"}"#
        let masked = Redaction.mask(body)
        #expect(!masked.contains("abc-123"))
        #expect(!masked.contains("Nguyễn"))
        #expect(!masked.contains("p\\\"w"))
        #expect(masked.contains(#""MaHoSo":"X-1-2""#))
    }

    @Test func namesBecomeInitials() {
        #expect(Redaction.maskName("Nguyễn Thị Lan") == "N. T. L.")
    }

    @Test func excerptsAreBounded() {
        let excerpt = Redaction.excerpt(Array(String(repeating: "a", count: 5_000).utf8), limit: 100)
        #expect(excerpt.count == 101)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
    }
}

import GatewayModel
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
        let body = #"{"session":"abc-123","hoTen":"Nguyễn Thị Lan","password" : "p\"w","MaHoSo":"X-1-2"}"#
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
        #expect(excerpt.count == 100)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"), "dump shows no value: \(dumped)")
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    @Test(arguments: [
        #"{"hoTen":"Lê Văn Tám"}"#, #"{"meHoTen":"Lê Văn Tám"}"#, #"{"SODINHDANH":"Lê Văn Tám"}"#, #"{"ngay_sinh":"Lê Văn Tám"}"#,
        #"{"accessToken":"Lê Văn Tám"}"#, #"{"refresh_token":"Lê Văn Tám"}"#,
        #"{"client-secret":"Lê Văn Tám"}"#, #"{"noiSinh":"Lê Văn Tám"}"#, #"{"thuongTruDiaChi":"Lê Văn Tám"}"#, #"{"User":"Lê Văn Tám"}"#,
        #"{"chaSoDinhDanh" : "Lê Văn Tám"}"#, #"{"hoTen":"Lê Văn Tám"}"#,
    ])
    func everySensitiveNameIsMaskedWhateverItsCase(body: String) {
        #expect(!Redaction.mask(body).contains("Tám"), "\(Redaction.mask(body))")
    }

    @Test func aNameASystemRegistersIsMaskedAsANameAndAsAnEnding() {
        let body = #"{"MaSoThueRieng":"Lê Văn Tám","TenMaSoThueRieng":"Lê Văn Tám","MaHoSo":"X-1"}"#
        #expect(Redaction.mask(body).contains("Tám"), "not sensitive before it is registered")
        Redaction.register(sensitiveNames: ["MaSoThue_Rieng"])
        #expect(Redaction.mask(body) == #"{"MaSoThueRieng":"***","TenMaSoThueRieng":"***","MaHoSo":"X-1"}"#)
    }

    @Test func valuesOfEveryTypeUnderASensitiveNameAreMasked() {
        let body = #"{"address":{"street":"12 Lê Lợi","ward":"An Cư"},"phone":912345678,"hoTen":["Lê","Tám"],"email":null,"MaHoSo":"X-1"}"#
        let masked = Redaction.mask(body)
        #expect(masked == #"{"address":"***","phone":"***","hoTen":"***","email":"***","MaHoSo":"X-1"}"#)
    }

    @Test func phonesAndSpacedIdentityNumbersAreMasked() {
        let masked = Redaction.mask("gọi 0912345678 hoặc 84912345678, CCCD 001 090 123 456")
        #expect(!masked.contains("0912345678"))
        #expect(!masked.contains("84912345678"))
        #expect(!masked.contains("001 090 123"))
        #expect(masked.contains("456"))
    }

    @Test func aValueCutOffByTheExcerptIsStillMasked() {
        let body = Array((#"{"note":"x","session":""# + String(repeating: "s", count: 4_000) + #""}"#).utf8)
        let excerpt = Redaction.excerpt(body, limit: 100)
        #expect(!excerpt.contains("sss"))
        #expect(excerpt.hasSuffix("…"))
    }

    @Test func credentialsInFreeTextAndQueriesAreMasked() {
        let text = #"invalidHeaderFieldValues(["Bearer eyJhbGciOi.x-y_z\n"]) url=https://h/x?apikey=K1&page=2&access_token=T2"#
        let masked = Redaction.mask(text)
        #expect(!masked.contains("eyJhbGciOi"))
        #expect(!masked.contains("K1"))
        #expect(!masked.contains("T2"))
        #expect(masked.contains("page=2"))
    }

    @Test func echoedPersonalTextsAreHidden() {
        #expect(Redaction.mask("Dữ liệu không hợp lệ (Ngô Văn B)", hiding: ["Ngô Văn B"]) == "Dữ liệu không hợp lệ (***)")
    }

    @Test func urlsLoseUserInformationAndQueries() {
        #expect(Redaction.url("https://u:p@lgsp.example:8443/a/b?token=x#f") == "https://lgsp.example:8443/a/b")
        #expect(Redaction.url("http://127.0.0.1:18081/api") == "http://127.0.0.1:18081/api")
    }

    @Test func answerCodesAreBoundedTokens() {
        #expect(Redaction.answerCode("-3") == "-3")
        #expect(Redaction.answerCode("Nguyễn Thị Lan") == "<non-code>")
        #expect(Redaction.answerCode(String(repeating: "1", count: 40)) == "<non-code>")
    }
}

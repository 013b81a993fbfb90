import Foundation
import GatewayModel
import Testing

@Suite struct ClassificationTableTests {
    let table: ClassificationTable

    init() throws {
        table = try ClassificationTable.load(from: Fixtures.contracts.appendingPathComponent("dvcqg/classification.json").path)
    }

    @Test func successCodes() {
        #expect(table.classify(status: 200, code: "0", message: "Thành công") == .delivered)
        #expect(table.classify(status: 200, code: "00", message: nil) == .delivered)
    }

    @Test(arguments: [
        "Hồ sơ 000.00.12.H13-250711-00042 đã tồn tại trên hệ thống",
        "HỒ SƠ ĐÃ TỒN TẠI",
        "ho so da ton tai",
        // NFD: the combining marks come apart from their letters.
        "Hồ sơ đã tồn tại".decomposedStringWithCanonicalMapping,
    ])
    func alreadyExistsIsADuplicateInAnyForm(message: String) {
        #expect(table.classify(status: 200, code: "-3", message: message) == .duplicate)
        #expect(table.classify(status: 200, code: "3", message: message) == .duplicate)
    }

    @Test(arguments: [500, 502, 503, 504])
    func anOutageIsNeverReadAsAnExpiredSessionOrBadData(status: Int) {
        #expect(table.classify(status: status, code: "-2", message: nil) == .retryable)
        #expect(table.classify(status: status, code: "-1", message: "Dữ liệu không hợp lệ") == .retryable)
        #expect(table.classify(status: status, code: "-2", message: "Phiên làm việc không hợp lệ") == .retryable)
    }

    @Test func aBareCodeDoesNotSignInAgain() {
        #expect(table.classify(status: 400, code: "-2", message: "Dữ liệu không hợp lệ") == .permanent)
        #expect(table.classify(status: 200, code: "-2", message: nil) != .reauthenticate)
    }

    @Test(arguments: [301, 302, 307, 308])
    func aRedirectIsRetriedNeverFollowedNorDelivered(status: Int) {
        #expect(table.classify(status: status, code: "0", message: "Thành công") == .retryable)
    }

    @Test func anIdentityNumberOnAnotherDossierIsNoDuplicate() {
        #expect(table.classify(status: 200, code: "-1", message: "Số định danh đã tồn tại ở hồ sơ khác") == .permanent)
        #expect(table.classify(status: 400, code: nil, message: "Hồ sơ đã tồn tại") == .permanent, "only an accepted answer can say the dossier exists")
    }

    @Test func aRepeatedInsertAnsweredWithTheSuccessCodeIsADuplicate() {
        #expect(table.classify(status: 200, code: "0", message: "Hồ sơ đã tồn tại") == .duplicate)
    }

    @Test func expiredSessionAsksForANewLogin() {
        #expect(table.classify(status: 200, code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn") == .reauthenticate)
        #expect(table.classify(status: 401, code: nil, message: nil) == .reauthenticate)
    }

    @Test(arguments: [500, 502, 503, 504, 429, 408])
    func serverTroubleIsRetried(status: Int) {
        #expect(table.classify(status: status, code: nil, message: nil) == .retryable)
    }

    @Test(arguments: [400, 404, 413, 422])
    func contractBreachesArePermanent(status: Int) {
        #expect(table.classify(status: status, code: "-1", message: "Dữ liệu không hợp lệ") == .permanent)
    }

    /// An accepted answer no rule knows is dead-lettered with its answer, not retried blindly.
    @Test func rejectedDataIsPermanentAndUnknownAnswersAreDeadLetteredForTheTableToLearn() {
        #expect(table.classify(status: 200, code: "-1", message: "Thiếu trường MaTTHC") == .permanent)
        let unknown = table.judge(status: 200, code: "42", message: "không rõ")
        #expect(unknown.verdict == .permanent && unknown.rule?.errorClass == .unrecognisedAnswer)
    }

    @Test func aRuleCanTestAnotherFieldOfTheAnswer() {
        let custom = ClassificationTable(system: "x", version: "1", rules: [
            .init(status: ["200"], fields: ["status.success": ["false"]], verdict: .permanent),
            .init(status: ["200"], code: ["1"], verdict: .delivered),
        ], otherwise: .retryable)
        #expect(custom.classify(status: 200, code: "1", message: nil, fields: ["status.success": "false"]) == .permanent)
        #expect(custom.classify(status: 200, code: "1", message: nil, fields: ["status.success": "true"]) == .delivered)
        #expect(custom.classify(status: 200, code: "1", message: nil) == .delivered, "an absent field meets no condition")
        #expect(custom.fieldPaths == ["status.success"])
    }

    @Test func statusClassesAndOperationFilters() throws {
        let custom = ClassificationTable(system: "x", version: "1", rules: [
            .init(status: ["4xx"], code: nil, message: nil, operations: ["a"], verdict: .permanent, note: nil),
            .init(status: ["404"], code: nil, message: nil, operations: nil, verdict: .duplicate, note: nil),
        ], otherwise: .retryable)
        #expect(custom.classify(status: 404, code: nil, message: nil, operation: "a") == .permanent)
        #expect(custom.classify(status: 404, code: nil, message: nil, operation: "b") == .duplicate)
        #expect(custom.classify(status: 410, code: nil, message: nil, operation: "b") == .retryable)
    }

    @Test func foldingIgnoresCaseAccentsAndForm() {
        #expect(VietnameseText.fold("ĐÃ ĐƯỢC TIẾP NHẬN") == "da duoc tiep nhan")
        #expect(VietnameseText.fold("đã được tiếp nhận".decomposedStringWithCanonicalMapping) == "da duoc tiep nhan")
    }

    /// The fold as first written: decompose, drop every mark, `đ` as `d`, lowercase the whole.
    static func referenceFold(_ text: String) -> String {
        let kept = text.decomposedStringWithCanonicalMapping.unicodeScalars.compactMap { scalar -> Character? in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return nil
            default: return scalar == "đ" || scalar == "Đ" ? "d" : Character(scalar)
            }
        }
        return String(kept).lowercased()
    }

    @Test(arguments: [
        "", "Thành công", "THÀNH CÔNG", "Hồ sơ đã tồn tại", "Mã hồ sơ ĐÃ TỒN TẠI trên hệ thống", "error_code: -3",
        "Phiên làm việc hết hạn", "Không tìm thấy thủ tục", "Ưu tiên Ơn", "Straße ΣΟΦΙΑ İstanbul", "日本語 テキスト",
        "a\u{0301}e\u{0323}", "Tab\tand\nnewline", "emoji 👍🏽 ok", "ǅ ǈ ǋ",
    ])
    func foldingIsTheReferenceFold(text: String) {
        #expect(VietnameseText.fold(text) == Self.referenceFold(text))
    }

    @Test func containsComparesFoldedText() {
        #expect(VietnameseText.contains("ho so da ton tai", "da ton tai"))
        #expect(VietnameseText.contains("da ton tai", "da ton tai"))
        #expect(VietnameseText.contains("aaab", "aab"))
        #expect(VietnameseText.contains("anything", ""))
        #expect(VietnameseText.contains("", ""))
        #expect(!VietnameseText.contains("", "a"))
        #expect(!VietnameseText.contains("thanh cong", "thanh cong!"))
        #expect(!VietnameseText.contains("da ton ta", "da ton tai"))
        #expect(VietnameseText.contains(VietnameseText.fold("Lỗi: hồ sơ ĐÃ TỒN TẠI."), VietnameseText.fold("đã tồn tại")))
    }
}

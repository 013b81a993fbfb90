import GatewayModel
import Testing

@Suite struct AnswerBodyTests {
    @Test func fieldsReadAsTextWhateverTheirKind() {
        let body = AnswerBody(Array(#"{"status": {"code": 200, "ok": true, "rate": 0.5, "message": "Cập nhật thành công"}, "data": "1", "list": [1], "none": null}"#.utf8))
        #expect(body.text("status.code") == "200")
        #expect(body.text("status.ok") == "true")
        #expect(body.text("status.rate") == "0.5")
        #expect(body.text("status.message") == "Cập nhật thành công")
        #expect(body.text("data") == "1")
        #expect(body.text("list") == nil)
        #expect(body.text("none") == nil)
        #expect(body.text("status.missing") == nil)
        #expect(body.text("data.deeper") == nil)
        #expect(body.plainText == nil)
    }

    @Test func aBodyThatIsNotJSONIsItsOwnMessage() {
        #expect(AnswerBody(Array("  Cập nhật thành công\n".utf8)).plainText == "Cập nhật thành công")
        #expect(AnswerBody(Array(#""đã tồn tại""#.utf8)).plainText == "đã tồn tại")
        #expect(AnswerBody(Array(repeating: UInt8(ascii: "x"), count: 4096)).plainText == nil)
        #expect(AnswerBody([]).plainText == nil)
        #expect(AnswerBody(Array("{\"code\": ".utf8)).text("code") == nil)
    }

    @Test func aByteOrderMarkIsPassedOver() {
        let body = AnswerBody([0xEF, 0xBB, 0xBF] + Array(#"{"error_code": "0"}"#.utf8))
        #expect(body.text("error_code") == "0")
    }
}

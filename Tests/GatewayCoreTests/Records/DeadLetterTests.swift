import GatewayCore
import GatewayModel
import Testing

@Suite struct DeadLetterTests {
    @Test func carriesTheOriginalUntouchedWithFullContext() throws {
        let event = try Fixtures.event("received")
        let raw = try Fixtures.bytes("examples/events/received.json")
        let delivery = Delivery(event: event, target: "dvcqg", operations: ["DongBoHoSoMC"], origin: Fixtures.origin(offset: 41, value: raw))
        let failure = OperationAnswer(verdict: .permanent, httpStatus: 400, code: "-1",
                                      excerpt: #"{"message":"Sai dữ liệu","session":"s3cr3t","hoTenNguoiNop":"Nguyễn Thị Lan"}"#,
                                      url: "https://dvcqg.example/api/dvcqg/integration", errorClass: .http(400))
        let outcome = DeliveryOutcome(delivery, .deadLettered([
            .init(operation: "DongBoHoSoMC", verdict: .permanent, httpStatus: 400, answerCode: "-1", attempts: 1, idempotencyKey: delivery.idempotencyKey(for: "DongBoHoSoMC")),
        ], failure: failure, reason: .permanent))
        let letter = DeadLetter(outcome: outcome, contractVersion: "1.0.0")

        #expect(letter.value == raw)
        #expect(letter.key == Array("000.00.12.H13-250711-00042".utf8))
        let headers = Dictionary(letter.headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }, uniquingKeysWith: { (first: String, _: String) in first })
        #expect(headers["traceparent"] == "00-abc-def-01")
        #expect(headers[DeadLetter.Header.originalTopic] == "dossier.events")
        #expect(headers[DeadLetter.Header.originalPartition] == "0")
        #expect(headers[DeadLetter.Header.originalOffset] == "41")
        #expect(headers[DeadLetter.Header.originalTimestamp] == "1752200000000")
        #expect(headers[DeadLetter.Header.target] == "dvcqg")
        #expect(headers[DeadLetter.Header.operation] == "DongBoHoSoMC")
        #expect(headers[DeadLetter.Header.httpStatus] == "400")
        #expect(headers[DeadLetter.Header.attempts] == "1")
        #expect(headers[DeadLetter.Header.errorClass] == "http-400")
        #expect(headers[DeadLetter.Header.idempotencyKey] == "\(event.dossierCode)/\(event.id)/dvcqg/DongBoHoSoMC")
        let excerpt = try #require(headers[DeadLetter.Header.answerExcerpt])
        #expect(excerpt.contains("Sai dữ liệu"))
        #expect(!excerpt.contains("s3cr3t"))
        #expect(!excerpt.contains("Nguyễn"))
    }

    @Test func namesTheEventCarriesAreMaskedWhereAnAnswerEchoesThem() throws {
        let event = try Fixtures.event("received")
        let name = event.data.applicant.fullName
        let delivery = Delivery(event: event, target: "vbdlis", operations: ["tiepnhan"], origin: Fixtures.origin())
        let failure = OperationAnswer(verdict: .permanent, httpStatus: 400, excerpt: "Dữ liệu không hợp lệ (\(name))", url: "https://user:pw@lgsp.example/vbdlis/tiepnhan?apikey=k1", errorClass: .http(400))
        let outcome = DeliveryOutcome(delivery, .deadLettered([], failure: failure, reason: .permanent))
        let headers = Dictionary(DeadLetter(outcome: outcome, contractVersion: "1").headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        #expect(headers[DeadLetter.Header.answerExcerpt] == "Dữ liệu không hợp lệ (***)")
        #expect(headers[DeadLetter.Header.url] == "https://lgsp.example/vbdlis/tiepnhan", "no user information, no query")
    }

    @Test func headersAreBoundedAndAnOversizeRecordReferencesItsOriginal() throws {
        let huge = Array(repeating: UInt8(ascii: "x"), count: 2_000_000)
        let origin = EventOrigin(topic: "dossier.events", partition: 3, offset: 77, timestampMilliseconds: nil, key: Array("k".utf8), value: huge, headers: [.init(key: "traceparent", value: Array("00-a-b-01".utf8))])
        let letter = DeadLetter(invalid: origin, reason: String(repeating: "ý", count: 5_000))
        let reason = try #require(letter.headers.first { $0.key == DeadLetter.Header.reason })
        #expect(reason.value.count <= DeadLetter.maxHeaderBytes)
        #expect(String(validating: reason.value, as: UTF8.self) != nil, "cut on a character boundary")
        let reference = letter.referencingOriginal(because: "too large")
        #expect(reference.value.isEmpty)
        #expect(reference.byteCount < 4_096)
        let headers = Dictionary(reference.headers.map { ($0.key, String(decoding: $0.value, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        #expect(headers[DeadLetter.Header.originalOffset] == "77")
        #expect(headers[DeadLetter.Header.originalPartition] == "3")
        #expect(headers[DeadLetter.Header.valueOmitted] == "2000000 bytes: too large")
        #expect(headers["traceparent"] == nil)
    }
}

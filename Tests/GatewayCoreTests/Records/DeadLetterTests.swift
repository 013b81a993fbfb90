import GatewayCore
import Testing

@Suite struct DeadLetterTests {
    @Test func carriesTheOriginalUntouchedWithFullContext() throws {
        let event = try Fixtures.event("received")
        let raw = try Fixtures.bytes("examples/events/received.json")
        let delivery = Delivery(event: event, target: "dvcqg", operations: ["DongBoHoSoMC"], origin: Fixtures.origin(offset: 41, value: raw))
        let failure = OperationAnswer(verdict: .permanent, httpStatus: 400, code: "-1",
                                      excerpt: #"{"message":"Sai dữ liệu","session":"s3cr3t","ChuHoSo":"Nguyễn Thị Lan"}"#,
                                      url: "https://dvcqg.example/api/dvcqg/integration", errorClass: "http-400")
        let outcome = DeliveryOutcome(delivery: delivery, status: .deadLettered, operations: [
            .init(operation: "DongBoHoSoMC", verdict: .permanent, httpStatus: 400, answerCode: "-1", attempts: 1, idempotencyKey: delivery.idempotencyKey(for: "DongBoHoSoMC")),
        ], failure: failure, reason: "permanent")
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
        #expect(headers[DeadLetter.Header.idempotencyKey] == "\(event.id)/dvcqg/DongBoHoSoMC")
        let excerpt = try #require(headers[DeadLetter.Header.answerExcerpt])
        #expect(excerpt.contains("Sai dữ liệu"))
        #expect(!excerpt.contains("s3cr3t"))
        #expect(!excerpt.contains("Nguyễn"))
    }
}

import Foundation
import GatewayModel
import Testing
@testable import GatewayCore

/// The result record's own writer says exactly what `JSONCoding.encoder` says of it.
@Suite struct ResultRecordTests {
    func record(_ change: (inout ResultRecord) -> Void = { _ in }) throws -> ResultRecord {
        let delivery = Delivery(event: try Fixtures.event(dossier: 7, step: 1), target: "dvcqg", operations: ["DongBoHoSoMC"], origin: Fixtures.origin(offset: 42))
        var record = ResultRecord(outcome: DeliveryOutcome(delivery, .delivered([], duplicate: false)), completedAt: Date(timeIntervalSince1970: 1_752_192_123))
        change(&record)
        return record
    }

    func expectSameAsTheEncoder(_ record: ResultRecord, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = String(decoding: try JSONCoding.encoder.encode(record), as: UTF8.self)
        let written = String(decoding: record.encoded(), as: UTF8.self)
        #expect(written == expected, sourceLocation: sourceLocation)
        #expect(try JSONCoding.decoder.decode(ResultRecord.self, from: Data(record.encoded())) == record, sourceLocation: sourceLocation)
    }

    @Test func aPlainDeliveryIsWrittenAsTheEncoderWritesIt() throws {
        try expectSameAsTheEncoder(try record())
    }

    @Test func everyFieldAndEveryKindOfCharacterIsWrittenAsTheEncoderWritesIt() throws {
        try expectSameAsTheEncoder(try record { record in
            record.outcome = .deadLettered
            record.operations = [
                .init(operation: "DongBoHoSoMC", verdict: .retryable, httpStatus: 503, answerCode: "-2", attempts: 3, idempotencyKey: "k/1"),
                .init(operation: "CapNhatTienDoHoSoMC", verdict: .permanent, httpStatus: nil, answerCode: nil, attempts: 1, idempotencyKey: "k\"2\\"),
            ]
            record.answerCode = "Mã lỗi \u{1}\n\t\r\u{8}\u{C}\u{1F} “không hợp lệ”"
            record.httpStatus = 400
            record.reason = "permanent"
            record.parkedBehind = "evt-9"
            record.replay = "replay-2025/07/11"
            record.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            record.source = .init(topic: "dossier.events", partition: Int32.max, offset: Int64.max)
            record.dossierCode = "000.00.12.H13-250711-00042 🇻🇳"
        })
    }
}

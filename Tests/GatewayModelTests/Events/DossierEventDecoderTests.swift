import Foundation
import GatewayModel
import Testing

@Suite struct DossierEventDecoderTests {
    @Test(arguments: ["received", "progressed", "result-returned"])
    func examplesDecode(name: String) throws {
        let event = try Fixtures.event(name)
        #expect(event.dossierCode == "000.00.12.H13-250711-00042")
        #expect(event.subject == event.dossierCode)
    }

    @Test func progressedExampleCarriesTwelveSteps() throws {
        let event = try Fixtures.event("progressed")
        #expect(event.type == .progressed)
        #expect(event.data.progress?.count == 12)
        #expect(event.data.progress?.first?.handler == "Trần Văn Bình")
    }

    @Test(arguments: [
        ("not-json.txt", "not valid JSON"),
        ("missing-dossier-code.json", "missing field data.dossierCode"),
        ("unknown-type.json", "type"),
        ("bad-cccd.json", "CCCD number has 12 digits"),
        ("received-without-date.json", "needs data.receivedAt"),
        ("wrong-specversion.json", "specversion"),
    ])
    func invalidExamplesAreRefusedWithAReason(file: String, expected: String) throws {
        let bytes = try Fixtures.bytes("examples/invalid-events/\(file)")
        do {
            _ = try DossierEventDecoder.decode(bytes, key: nil)
            Issue.record("\(file) was accepted")
        } catch {
            #expect(error.reason.contains(expected), "reason was: \(error.reason)")
        }
    }

    @Test(arguments: [
        (#""type": "vn.gov.motcua.dossier.received""#, #""type": "Nguyễn Văn Secret""#),
        (#""receivedAt": "2025-07-11T08:30:00+07:00""#, #""receivedAt": "Nguyễn Văn Secret""#),
        (#""dossierCode": "000.00.12.H13-250711-00042""#, #""dossierCode": "Nguyễn Văn Secret""#),
        (#""specversion": "1.0""#, #""specversion": "Nguyễn Văn Secret""#),
        (#""id": "7b0f6a52-4d1e-4c55-9a0e-2f1d0c6e1a01""#, #""id": "Nguyễn Văn Secret""#),
    ])
    func aReasonNamesThePathAndTheRuleNeverTheValue(original: String, replacement: String) throws {
        let text = String(decoding: try Fixtures.bytes("examples/events/received.json"), as: UTF8.self)
        #expect(text.contains(original), "fixture holds \(original)")
        do {
            _ = try DossierEventDecoder.decode(Array(text.replacingOccurrences(of: original, with: replacement).utf8), key: nil)
            Issue.record("accepted")
        } catch {
            #expect(!error.reason.contains("Secret"), "reason was: \(error.reason)")
            #expect(error.reason.utf8.count < 200)
        }
    }

    @Test func anEventOverTheSizeBoundIsRefusedBeforeItIsParsed() throws {
        let bytes = try Fixtures.bytes("examples/events/received.json")
        #expect(throws: Never.self) { try DossierEventDecoder.decode(bytes, key: nil, maxBytes: bytes.count) }
        do {
            _ = try DossierEventDecoder.decode(bytes, key: nil, maxBytes: bytes.count - 1)
            Issue.record("accepted")
        } catch {
            #expect(error.reason.contains("larger than"))
        }
    }

    @Test func aFieldOverItsBoundIsRefusedByNameAndBound() throws {
        var event = try Fixtures.event("received")
        event.data.applicant.fullName = String(repeating: "Nguyễn ", count: 36)
        #expect(throws: Never.self) { try DossierEventDecoder.validate(event, key: nil) }
        event.data.applicant.fullName = String(repeating: "Nguyễn ", count: 36) + "Văn Bình"
        do {
            try DossierEventDecoder.validate(event, key: nil)
            Issue.record("accepted")
        } catch {
            #expect(error.reason == "data.applicant.fullName: more than 256 characters")
        }
        event = try Fixtures.event("progressed")
        event.data.progress = Array(repeating: event.data.progress![0], count: 1_001)
        #expect(throws: InvalidEvent.self) { try DossierEventDecoder.validate(event, key: nil) }
        event.data.progress![3].content = ""
        event.data.progress = Array(event.data.progress!.prefix(5))
        #expect(throws: InvalidEvent.self, "the schema's minLength holds in the decoder too") { try DossierEventDecoder.validate(event, key: nil) }
    }

    @Test func aChannelOrApplicantKindNotKnownYetDoesNotRefuseTheEvent() throws {
        let text = String(decoding: try Fixtures.bytes("examples/events/received.json"), as: UTF8.self)
        let changed = text.replacingOccurrences(of: #""channel": "in-person""#, with: #""channel": "kiosk""#)
            .replacingOccurrences(of: #""kind": "citizen""#, with: #""kind": "household""#)
        #expect(changed != text)
        let event = try DossierEventDecoder.decode(Array(changed.utf8), key: nil)
        #expect(event.data.channel == .other)
        #expect(event.data.applicant.kind == .other)
    }

    @Test func keyMustMatchTheDossier() throws {
        let bytes = try Fixtures.bytes("examples/events/received.json")
        #expect(throws: InvalidEvent.self) { try DossierEventDecoder.decode(bytes, key: "000.00.12.H13-250711-99999") }
        #expect(throws: Never.self) { try DossierEventDecoder.decode(bytes, key: "000.00.12.H13-250711-00042") }
    }

    @Test func encodingRoundTrips() throws {
        let event = try Fixtures.event("progressed")
        let again = try DossierEventDecoder.decode(Array(JSONCoding.encoder.encode(event)), key: event.dossierCode)
        #expect(again == event)
    }

    @Test(arguments: [
        ("000.00.12.H13-250711-00042", true),
        ("H13-1-2", true),
        ("000.00.12.H13", false),
        ("000.00.12.H13--00042", false),
        ("000 00-250711-00042", false),
        ("000.00.12.H13-250711.1-00042", false),
        ("-250711-00042", false),
        ("000.00.12.H13-250711-", false),
        ("Ạ13-250711-00042", false),
        ("A-B-" + String(repeating: "9", count: 60), true),
        ("A-B-" + String(repeating: "9", count: 61), false),
    ])
    func dossierCodes(code: String, valid: Bool) {
        #expect(DossierEventDecoder.isDossierCode(code) == valid)
    }
}

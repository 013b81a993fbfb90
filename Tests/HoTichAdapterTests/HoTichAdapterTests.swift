import AdapterSupport
import Foundation
import GatewayModel
@testable import HoTichAdapter
import Synchronization
import Testing

/// Answers a token endpoint and then each registration from a script.
final class CivilRegistryTransport: HTTPTransport {
    let requests = Mutex<[OutboundRequest]>([])
    let answers: Mutex<[InboundResponse]>
    let tokens = Mutex(0)

    init(answers: [InboundResponse]) { self.answers = Mutex(answers) }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        requests.withLock { $0.append(request) }
        if request.url.hasSuffix("/oauth2/token") {
            let count = tokens.withLock { $0 += 1; return $0 }
            return InboundResponse(status: 200, body: Array(#"{"access_token":"token-\#(count)","expires_in":3600,"token_type":"Bearer"}"#.utf8))
        }
        return answers.withLock { $0.isEmpty ? InboundResponse(status: 200, body: Array(#"{"status":"1"}"#.utf8)) : $0.removeFirst() }
    }
}

@Suite struct HoTichAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")

    func adapter(_ transport: CivilRegistryTransport, oauth2: OAuth2Settings = .init(), unitCode: String? = nil) throws -> HoTichAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("hotich/classification.json").path)
        let configuration = HoTichConfiguration(baseURL: "http://hotich", receivePath: "/NhanDKHT", unitCode: unitCode, oauth2: oauth2, timeoutMilliseconds: 1_000)
        let request = try oauth2.tokenRequest(for: "hotich", environment: ["X": "s3cret"], timeout: .seconds(1))
        return HoTichAdapter(configuration: configuration, tokenRequest: request, classification: table, transport: transport)
    }

    func example(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/\(name).json"))), key: nil)
    }

    func body(_ request: OutboundRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
    }

    @Test func sendsTheFlatRecordAndThePapersAsTheRegistryWantsThem() async throws {
        let transport = CivilRegistryTransport(answers: [])
        let answer = try await adapter(transport).perform(HoTichAdapter.receive, for: try example("civil-received"), idempotencyKey: "k")
        #expect(answer.verdict == .delivered)
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://hotich/NhanDKHT"], "no auth by default")
        #expect(!requests[0].headers.contains { $0.name == "Authorization" })
        let body = try body(requests[0])
        #expect(body["maDonVi"] as? String == "31117", "the registration office's area code")
        #expect(body["module"] as? String == "LTKS")
        #expect(body["maHoSoLT"] as? String == "LTKS-92-250712-000211")
        let data = try #require((body["data"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(data["hoTich"] == nil, "flat, no wrapper")
        #expect(data["nksNgaySinh"] as? String == "02.07.2025")
        #expect((data["meNoiCuTru"] as? [String: Any])?["maXa"] as? String == "31117")
        let files = try #require(body["fileDinhKem"] as? [[String: Any]])
        #expect(files.count == 2, "the withdrawn paper is left out")
        #expect(files[0]["id"] as? Int == 88101 && files[0]["loaiGiayTo"] as? Int == 1 && files[0]["huyGiayTo"] as? Int == 0)
        #expect(files[0]["tenTepDinhKem"] as? String == "tokhai-khai-sinh.pdf" && files[0]["tenGiayTo"] as? String == "Tờ khai đăng ký khai sinh")
        #expect(files[0]["duLieuTepDinhKem"] as? String == "JVBERi0xLjQgdG9raGFp")
    }

    @Test func anEventOfContractOneZeroIsSentInTheRevisedShape() async throws {
        let transport = CivilRegistryTransport(answers: [])
        _ = try await adapter(transport, unitCode: "31117").perform(HoTichAdapter.receive, for: try example("interconnect-received"), idempotencyKey: "k")
        let body = try body(try #require(transport.requests.withLock { $0.first }))
        #expect(body["module"] as? String == "LTKS", "KS is read as LTKS")
        #expect(body["maDonVi"] as? String == "31117", "the configured office stands in for the event's")
        let data = try #require((body["data"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(data["ngaySinh"] as? String == "01.07.2025", "dd/MM/yyyy becomes dd.MM.yyyy")
        #expect(data["hoTen"] as? String == "Trần Minh An")
    }

    @Test func withoutAnOfficeOrAKnownModuleNothingIsSent() async throws {
        let transport = CivilRegistryTransport(answers: [])
        let adapter = try adapter(transport)
        let noOffice = try await adapter.perform(HoTichAdapter.receive, for: try example("interconnect-received"), idempotencyKey: "k")
        #expect(noOffice.errorClass == .missingData && noOffice.excerpt.contains("registrationOffice"))
        let extract = try await adapter.perform(HoTichAdapter.receive, for: try example("received"), idempotencyKey: "k")
        #expect(extract.errorClass == .missingData && extract.excerpt.contains("LTKS, LTKT, LTKH"), "TLHT is no registry module")
        #expect(transport.requests.withLock { $0.isEmpty })
    }

    @Test(arguments: [("01/07/2025", "01.07.2025"), ("2025-07-01", "01.07.2025"), ("1/7/2025", "01.07.2025"), ("01.07.2025", nil), ("Thứ hai", nil)] as [(String, String?)])
    func datesAreRewrittenOnlyWhenTheyAreDates(text: String, expected: String?) {
        #expect(HoTichMapping.dottedDate(text) == expected)
    }

    @Test func aConfiguredTokenIsFetchedOnceAndRenewedOnlyAfterARefusal() async throws {
        let expired = InboundResponse(status: 401, body: Array(#"{"status":"0","errorDescription":"Token không hợp lệ hoặc đã hết hạn"}"#.utf8))
        let transport = CivilRegistryTransport(answers: [InboundResponse(status: 200, body: Array(#"{"status":"1"}"#.utf8)), expired])
        let oauth2 = OAuth2Settings(auth: .clientCredentials, tokenURL: "http://hotich/oauth2/token", clientId: "c", clientSecret: .environment("X"))
        let adapter = try adapter(transport, oauth2: oauth2)
        let event = try example("civil-received")
        #expect(try await adapter.perform(HoTichAdapter.receive, for: event, idempotencyKey: "k1").verdict == .delivered)
        #expect(try await adapter.perform(HoTichAdapter.receive, for: event, idempotencyKey: "k2").verdict == .reauthenticate)
        #expect(transport.tokens.withLock { $0 } == 1, "one token for both calls")
        let first = try #require(transport.requests.withLock { $0.first })
        #expect(first.headers.contains { $0.name == "Authorization" && $0.value == "Basic " + Data("c:s3cret".utf8).base64EncodedString() })
        await adapter.invalidateCredentials(usedSince: .now)
        #expect(try await adapter.perform(HoTichAdapter.receive, for: event, idempotencyKey: "k3").verdict == .delivered)
        #expect(transport.tokens.withLock { $0 } == 2)
    }

    @Test func aRefusalNoRuleKnowsIsDeadLetteredWithTheAnswer() async throws {
        let refused = InboundResponse(status: 200, body: Array(#"{"status":"0","errorCode":"E09","errorDescription":"Cơ quan đăng ký chưa được cấu hình"}"#.utf8))
        let transport = CivilRegistryTransport(answers: [refused])
        let answer = try await adapter(transport).perform(HoTichAdapter.receive, for: try example("civil-received"), idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .unrecognisedAnswer)
        #expect(answer.excerpt.contains("chưa được cấu hình"))
    }

    @Test func anEventWithoutACivilStatusRecordIsRefusedWithoutACall() async throws {
        var event = try example("civil-received")
        event.data.civilStatus = nil
        let transport = CivilRegistryTransport(answers: [])
        let answer = try await adapter(transport).perform(HoTichAdapter.receive, for: event, idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .missingData)
        #expect(transport.requests.withLock { $0.isEmpty })
    }
}

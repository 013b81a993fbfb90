import AdapterSupport
import Foundation
import GatewayModel
import HoTichAdapter
import Synchronization
import Testing

/// Answers the token endpoint and then each registration from a script.
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

    func adapter(_ transport: CivilRegistryTransport) throws -> HoTichAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("hotich/classification.json").path)
        let configuration = HoTichConfiguration(baseURL: "http://hotich", tokenPath: "/oauth2/token", receivePath: "/NhanDKHT", clientId: "c", clientSecret: .environment("X"), timeoutMilliseconds: 1_000)
        return HoTichAdapter(configuration: configuration, clientSecret: Secret("s3cret"), classification: table, transport: transport)
    }

    func received() throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/received.json"))), key: nil)
    }

    @Test func sendsTheRecordAsAJSONStringWithABearerToken() async throws {
        let transport = CivilRegistryTransport(answers: [])
        let answer = try await adapter(transport).perform(HoTichAdapter.receive, for: try received(), idempotencyKey: "k")
        #expect(answer.verdict == .delivered)
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://hotich/oauth2/token", "http://hotich/NhanDKHT"])
        #expect(requests[0].headers.contains { $0.name == "Authorization" && $0.value == "Basic " + Data("c:s3cret".utf8).base64EncodedString() })
        #expect(requests[1].headers.contains { $0.name == "Authorization" && $0.value == "Bearer token-1" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(requests[1].body ?? [])) as? [String: Any])
        #expect(body["ngayTiepNhan"] as? String == "11/07/2025 08:30:00")
        #expect(body["module"] as? String == "TLHT")
        let data = try #require((body["data"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect((data["hoTich"] as? [String: Any])?["loaiGiayTo"] as? String == "Trích lục khai sinh")
    }

    @Test func theTokenIsReusedAndRenewedOnlyAfterTheRegistryRefusesIt() async throws {
        let expired = InboundResponse(status: 401, body: Array(#"{"status":"0","errorDescription":"Token không hợp lệ hoặc đã hết hạn"}"#.utf8))
        let transport = CivilRegistryTransport(answers: [InboundResponse(status: 200, body: Array(#"{"status":"1"}"#.utf8)), expired])
        let adapter = try adapter(transport)
        #expect(try await adapter.perform(HoTichAdapter.receive, for: try received(), idempotencyKey: "k1").verdict == .delivered)
        #expect(try await adapter.perform(HoTichAdapter.receive, for: try received(), idempotencyKey: "k2").verdict == .reauthenticate)
        #expect(transport.tokens.withLock { $0 } == 1, "one token for both calls")
        await adapter.invalidateCredentials(usedSince: .now)
        #expect(try await adapter.perform(HoTichAdapter.receive, for: try received(), idempotencyKey: "k3").verdict == .delivered)
        #expect(transport.tokens.withLock { $0 } == 2)
    }

    @Test func anEventWithoutACivilStatusRecordIsRefusedWithoutACall() async throws {
        var event = try received()
        event.data.civilStatus = nil
        let transport = CivilRegistryTransport(answers: [])
        let answer = try await adapter(transport).perform(HoTichAdapter.receive, for: event, idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .missingData)
        #expect(transport.requests.withLock { $0.isEmpty })
    }
}

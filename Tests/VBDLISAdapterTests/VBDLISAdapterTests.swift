import AdapterSupport
import Foundation
import GatewayModel
import Synchronization
import Testing
import VBDLISAdapter

/// Answers the LGSP's token endpoint and every operation with VBDLIS's success.
final class LGSPTransport: HTTPTransport {
    let requests = Mutex<[OutboundRequest]>([])

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        requests.withLock { $0.append(request) }
        if request.url.hasSuffix("/token") {
            return InboundResponse(status: 200, body: Array(#"{"access_token":"lgsp-token","expires_in":3600,"token_type":"Bearer"}"#.utf8))
        }
        return InboundResponse(status: 200, body: Array(#"{"data":1,"status":{"success":true,"code":200,"message":"Thành công"}}"#.utf8))
    }
}

@Suite struct VBDLISAdapterTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts")

    func landReceived() throws -> DossierEvent {
        try DossierEventDecoder.decode(Array(try Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/land-received.json"))), key: nil)
    }

    func adapter(_ transport: LGSPTransport, auth: VBDLISConfiguration.Auth) throws -> VBDLISAdapter {
        let table = try ClassificationTable.load(from: Self.contracts.appendingPathComponent("vbdlis/classification.json").path)
        let configuration = VBDLISConfiguration(baseURL: "http://lgsp/vbdlis", auth: auth, tokenURL: "http://lgsp/token", clientId: "c", clientSecret: .environment("X"))
        return VBDLISAdapter(configuration: configuration, clientSecret: auth == .none ? nil : Secret("s"), classification: table, transport: transport)
    }

    @Test func aHandOverCarriesParcelsAndItsAttachmentsAsBase64() async throws {
        let transport = LGSPTransport()
        let answer = try await adapter(transport, auth: .clientCredentials).perform(VBDLISAdapter.handOver, for: try landReceived(), idempotencyKey: "k")
        #expect(answer.verdict == .delivered)
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://lgsp/token", "http://lgsp/vbdlis/tiepnhan"])
        #expect(requests[1].headers.contains { $0.name == "Authorization" && $0.value == "Bearer lgsp-token" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(requests[1].body ?? [])) as? [String: Any])
        #expect(body["SoBienNhan"] as? String == "BN-00318")
        #expect(body["LaQuyTrinhCapTinh"] as? Bool == false)
        let parcel = try #require((body["ThongTinThuaDat"] as? [[String: Any]])?.first)
        #expect(parcel["DienTich"] as? Double == 120.5)
        let file = try #require(((body["DanhSachGiayToDinhKem"] as? [[String: Any]])?.first?["TapTin"] as? [String: Any])?["data"] as? String)
        #expect(Data(base64Encoded: file).map { String(decoding: $0, as: UTF8.self) } == "%PDF-1.4 don dang ky")
    }

    @Test func withoutAuthNoTokenIsAskedForOrSent() async throws {
        let transport = LGSPTransport()
        _ = try await adapter(transport, auth: .none).perform(VBDLISAdapter.returnResult, for: try landReceived(), idempotencyKey: "k")
        let requests = transport.requests.withLock { $0 }
        #expect(requests.map(\.url) == ["http://lgsp/vbdlis/capnhattrangthaitraketquahoso"])
        #expect(!requests[0].headers.contains { $0.name == "Authorization" })
    }

    @Test func aDossierWithoutItsLandBlockIsRefusedWithoutACall() async throws {
        var event = try landReceived()
        event.data.land = nil
        let transport = LGSPTransport()
        let answer = try await adapter(transport, auth: .none).perform(VBDLISAdapter.handOver, for: event, idempotencyKey: "k")
        #expect(answer.verdict == .permanent && answer.errorClass == .missingData)
        #expect(transport.requests.withLock { $0.isEmpty })
    }
}

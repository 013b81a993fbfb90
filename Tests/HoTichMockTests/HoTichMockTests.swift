import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import HoTichMock
import Logging
import MockSupport
import Testing

/// The civil-registry mock over real HTTP: OAuth2 tokens, duplicates, every documented violation.
@Suite(.serialized) struct HoTichMockTests {
    static var registration: [String: Any] { [
        "maDonVi": "000.00.12.H13", "module": "TLHT", "maHoSoMCDT": "000.00.12.H13-250711-00042",
        "ngayTiepNhan": "11/07/2025 08:30:00", "data": #"{"hoTich":{"loaiGiayTo":"Trích lục khai sinh"}}"#, "fileDinhKem": [[String: Any]](),
    ] }

    struct Client {
        let base: String
        let http: AsyncHTTPTransport

        func token(secret: String = "dev-secret") async throws -> InboundResponse {
            let basic = Data("motcua-cantho:\(secret)".utf8).base64EncodedString()
            return try await http.send(OutboundRequest(url: base + "/oauth2/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(basic)")], body: Array("grant_type=client_credentials".utf8)))
        }

        func bearer() async throws -> String {
            try #require(AnswerReading.text("access_token", in: try await token().body))
        }

        func register(_ body: [String: Any], token: String?) async throws -> (Int, [String: Any]) {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await http.send(OutboundRequest(url: base + "/api/hotich/NhanDKHT", headers: headers, body: Array(try JSONSerialization.data(withJSONObject: body))))
            return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:])
        }
    }

    func withMock(_ body: (Client, HoTichMock) async throws -> Void) async throws {
        let mock = HoTichMock(clientSecret: "dev-secret")
        try await MockSystems.withServer(mock.server) { base, http in try await body(Client(base: base, http: http), mock) }
    }

    @Test func issuesTokensOnlyForTheRightClient() async throws {
        try await withMock { client, _ in
            #expect(try await client.token(secret: "wrong").status == 401)
            let good = try await client.token()
            #expect(good.status == 200)
            #expect(AnswerReading.text("token_type", in: good.body) == "Bearer")
        }
    }

    @Test func aSecondRegistrationOfADossierAnswersAlreadyReceived() async throws {
        try await withMock { client, _ in
            let token = try await client.bearer()
            let (status, first) = try await client.register(Self.registration, token: token)
            #expect(status == 200 && first["status"] as? String == "1")
            let (_, second) = try await client.register(Self.registration, token: token)
            #expect(second["status"] as? String == "0")
            #expect((second["errorDescription"] as? String)?.contains("đã được tiếp nhận") == true)
        }
    }

    @Test func refusesMissingAndExpiredTokens() async throws {
        try await withMock { client, mock in
            #expect(try await client.register(Self.registration, token: nil).0 == 401)
            let token = try await client.bearer()
            await mock.control.expireSessions()
            #expect(try await client.register(Self.registration, token: token).0 == 401)
        }
    }

    /// Each case: a field, its new value as a JSON literal (nil removes it), and the reason expected.
    @Test(arguments: [
        ("maHoSoMCDT", nil, "missing maHoSoMCDT"),
        ("module", "\"\"", "module is empty"),
        ("ngayTiepNhan", "\"2025-07-11T08:30:00+07:00\"", "ngayTiepNhan must be dd/MM/yyyy HH:mm:ss"),
        ("data", "{\"hoTich\":{}}", "data must be a string"),
        ("data", "\"{\\\"khac\\\":1}\"", "data must hold a hoTich object"),
        ("fileDinhKem", "[{\"duongDan\":\"x\"}]", "fileDinhKem[0]: missing tenTep"),
    ] as [(String, String?, String)])
    func refusesEveryDocumentedViolation(field: String, value: String?, reason: String) async throws {
        try await withMock { client, mock in
            var body = Self.registration
            body[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, answer) = try await client.register(body, token: try await client.bearer())
            #expect(status == 400)
            #expect((answer["errorDescription"] as? String)?.contains(reason) == true, "answer: \(answer)")
            let entry = try #require(await mock.control.journal.all().last)
            #expect(!entry.accepted && entry.rejection?.contains(reason) == true)
        }
    }
}

import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import HoTichMock
import Logging
import MockSupport
import Testing

/// The civil-registry mock over real HTTP: no auth by default, duplicates, the result poll,
/// every documented violation and the old shapes refused.
@Suite(.serialized) struct HoTichMockTests {
    static var registration: [String: Any] { [
        "maDonVi": "31117", "module": "LTKS", "maHoSoLT": "LTKS-92-250712-000211", "maHoSoMCDT": "000.00.31.H13-250712-00211",
        "ngayTiepNhan": "12/07/2025 08:30:00", "data": #"{"nksHoTen":"Trần Minh Khang","nksNgaySinh":"02.07.2025","meNoiCuTru":{"maTinh":"92","maHuyen":"916","maXa":"31117","dcChiTiet":"Khu vực 3"}}"#,
        "fileDinhKem": [["id": 88101, "loaiGiayTo": 1, "tenGiayTo": "Tờ khai", "tenTepDinhKem": "tokhai.pdf", "huyGiayTo": 0, "duLieuTepDinhKem": "JVBERi0xLjQ="]],
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

        func post(_ path: String, _ body: [String: Any], token: String? = nil) async throws -> (Int, [String: Any]) {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await http.send(OutboundRequest(url: base + path, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: body))))
            return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:])
        }

        func register(_ body: [String: Any], token: String? = nil) async throws -> (Int, [String: Any]) {
            try await post("/api/hotich/NhanDKHT", body, token: token)
        }

        /// Posts to `/_control/<route>` and returns the HTTP status.
        func control(_ route: String, _ body: [String: Any]) async throws -> Int {
            try await post("/_control/" + route, body).0
        }
    }

    func withMock(_ mock: HoTichMock = HoTichMock(), _ body: (Client, HoTichMock) async throws -> Void) async throws {
        try await MockSystems.withServer(mock.server) { base, http in try await body(Client(base: base, http: http), mock) }
    }

    @Test func aSecondRegistrationOfADossierAnswersAlreadyReceived() async throws {
        try await withMock { client, _ in
            let (status, first) = try await client.register(Self.registration)
            #expect(status == 200 && first["status"] as? String == "1", "no auth needed: \(first)")
            let (_, second) = try await client.register(Self.registration)
            #expect(second["status"] as? String == "0")
            #expect((second["errorDescription"] as? String)?.contains("đã được tiếp nhận") == true)
        }
    }

    @Test func theResultPollAnswersRowsForUpToThreeCodes() async throws {
        try await withMock { client, _ in
            #expect(try await client.control("registry/pace", ["eligibleAfterMilliseconds": 60_000, "issuedAfterMilliseconds": 60_000]) == 204)
            _ = try await client.register(Self.registration)
            let (status, answer) = try await client.post("/api/hotich/KetQuaDKHT", ["maDinhDanhHoSo": ["000.00.31.H13-250712-00211", "000.00.31.H13-250712-00999"], "maTinh": "92", "module": "LTKS"])
            #expect(status == 200 && (answer["status"] as? NSNumber)?.intValue == 1)
            let rows = try #require(answer["value"] as? [[String: Any]])
            #expect(rows.count == 1 && rows[0]["maHoSoMCDT"] as? String == "000.00.31.H13-250712-00211" && (rows[0]["trangThai"] as? NSNumber)?.intValue == 1)
            let (tooMany, _) = try await client.post("/api/hotich/KetQuaDKHT", ["maDinhDanhHoSo": ["a", "b", "c", "d"], "maTinh": "92", "module": "LTKS"])
            let (oldShape, _) = try await client.post("/api/hotich/KetQuaDKHT", ["maDinhDanhHoSo": ["a"], "maTinh": "00"])
            #expect(tooMany == 400 && oldShape == 400)
        }
    }

    @Test func aRegistrationMovesOnByItselfOrAsToldAndItsIssuedResultCarriesTheRecordAndCertificate() async throws {
        try await withMock { client, _ in
            let dossier = "000.00.31.H13-250712-00211"
            #expect(try await client.control("registry/pace", ["eligibleAfterMilliseconds": 0, "issuedAfterMilliseconds": 60_000]) == 204)
            _ = try await client.register(Self.registration)
            func row(_ module: String = "LTKS") async throws -> [String: Any]? {
                let (_, answer) = try await client.post("/api/hotich/KetQuaDKHT", ["maDinhDanhHoSo": [dossier], "maTinh": "92", "module": module])
                return (answer["value"] as? [[String: Any]])?.first
            }
            #expect((try await row())?["trangThai"] as? Int == 3, "eligible at once at this pace")
            #expect(try await row("LTKT") == nil, "asked under another module, the registry finds nothing")
            #expect(try await client.control("registry/state", ["maHoSoMCDT": dossier, "trangThai": 2]) == 204)
            let supplement = try #require(try await row())
            #expect(supplement["trangThai"] as? Int == 2 && supplement["hanBoSungHoSo"] is String)
            #expect(try await client.control("registry/state", ["maHoSoMCDT": dossier, "trangThai": 4]) == 204)
            let issued = try #require(try await row())
            #expect(issued["trangThai"] as? Int == 4 && issued["maHoSoLT"] as? String == Self.registration["maHoSoLT"] as? String)
            let result = try #require(issued["ketQuaXuLy"] as? [String: Any])
            #expect(result["giayKhaiSinh"] is String && result["soDinhDanh"] is String && result["soDangKy"] is String)
            #expect(result["nksHoTen"] != nil, "the record registered comes back in the result")
            #expect(try await client.control("registry/state", ["maHoSoMCDT": "unknown", "trangThai": 4]) == 404)
            #expect(try await client.control("registry/state", ["maHoSoMCDT": dossier, "trangThai": 5]) == 400)
            #expect(try await client.control("registry/pace", ["eligibleAfterMilliseconds": 10, "issuedAfterMilliseconds": 5]) == 400)
        }
    }

    @Test func whenATokenIsAskedForItGuardsTheRegistry() async throws {
        try await withMock(HoTichMock(clientSecret: "dev-secret", requiresToken: true)) { client, mock in
            #expect(try await client.token(secret: "wrong").status == 401)
            #expect(try await client.register(Self.registration).0 == 401)
            let token = try await client.bearer()
            await mock.control.expireSessions()
            #expect(try await client.register(Self.registration, token: token).0 == 401)
            #expect(try await client.register(Self.registration, token: try await client.bearer()).0 == 200)
        }
    }

    /// Each case: a field, its new value as a JSON literal (nil removes it), and the reason expected.
    /// The shapes of the first contract (a hoTich wrapper, `{tenTep, duongDan}` papers, module KS) are among them.
    @Test(arguments: [
        ("maHoSoMCDT", nil, "missing maHoSoMCDT"),
        ("module", "\"KS\"", "module must be one of LTKS, LTKT, LTKH"),
        ("ngayTiepNhan", "\"2025-07-11T08:30:00+07:00\"", "ngayTiepNhan must be dd/MM/yyyy HH:mm:ss"),
        ("data", "{\"nksHoTen\":\"x\"}", "data must be a string"),
        ("data", "\"{\\\"hoTich\\\":{\\\"hoTen\\\":\\\"x\\\"}}\"", "data must be the flat registry record"),
        ("data", "\"{\\\"nksNgaySinh\\\":\\\"02/07/2025\\\"}\"", "data.nksNgaySinh must be dd.MM.yyyy"),
        ("fileDinhKem", "[{\"tenTep\":\"x\",\"duongDan\":\"x\"}]", "fileDinhKem[0]: missing id"),
        ("fileDinhKem", "[{\"id\":\"1\",\"loaiGiayTo\":1,\"huyGiayTo\":0}]", "fileDinhKem[0].id must be an integer"),
        ("fileDinhKem", "[{\"id\":1,\"loaiGiayTo\":1,\"huyGiayTo\":1,\"tenGiayTo\":\"x\",\"tenTepDinhKem\":\"x\",\"duLieuTepDinhKem\":\"\"}]", "withdrawn papers are left out"),
    ] as [(String, String?, String)])
    func refusesEveryDocumentedViolation(field: String, value: String?, reason: String) async throws {
        try await withMock { client, mock in
            var body = Self.registration
            body[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, answer) = try await client.register(body)
            #expect(status == 400)
            #expect((answer["errorDescription"] as? String)?.contains(reason) == true, "answer: \(answer)")
            let entry = try #require(await mock.control.journal.all().last)
            #expect(!entry.accepted && entry.rejection?.contains(reason) == true)
        }
    }
}

import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import Logging
import MockSupport
import Testing
import VBDLISMock

/// The VBDLIS mock over real HTTP: no auth by default, the done texts of real clients, the old
/// shapes refused, and the LGSP's or ILIS's token when one is asked for.
@Suite(.serialized) struct VBDLISMockTests {
    static var handOver: [String: Any] { [
        "LaQuyTrinhCapTinh": false, "TinhId": 92, "HuyenId": 916, "XaId": 31117, "SoBienNhan": "000.00.20.H13-250711-00318",
        "MaHoSoMotCua": NSNull(), "NguoiTiepNhan": "motcua.canbo3", "NgayTiepNhan": "2025-07-11T09:00:00",
        "NgayHenTra": NSNull(), "DiaChiTaiSan": NSNull(),
        "ThongTinNguoiNopDon": ["HoTen": "Lê Văn Bình", "SoChungMinh": "092087005566", "DiaChiChiTiet": NSNull(), "SoDienThoai": NSNull(), "Email": NSNull()],
        "ThongTinQuyTrinh": ["MaQuyTrinh": "QT-BD-01", "TenQuyTrinh": "Đăng ký biến động"],
        "ThongTinThuaDat": [["SoThuTuThua": "45", "SoHieuBanDo": "12", "DienTich": "120.5", "DiaChiChiTiet": "An Cư"]],
        "DanhSachGiayToDinhKem": [["TenGiayTo": "Đơn", "SoBanChinh": 1, "SoBanSao": 0, "TapTin": ["name": "don.pdf", "data": "JVBERi0xLjQ="]]],
    ] }
    static let receipt = "000.00.20.H13-250711-00318"

    struct Client {
        let base: String
        let http: AsyncHTTPTransport

        func token(_ form: String, basic: String = "motcua-cantho:dev-secret") async throws -> (Int, String?) {
            let encoded = Data(basic.utf8).base64EncodedString()
            let response = try await http.send(OutboundRequest(url: base + "/oauth2/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(encoded)")], body: Array(form.utf8)))
            return (response.status, AnswerReading.text("access_token", in: response.body))
        }

        func call(_ operation: String, _ body: [String: Any], token: String? = nil) async throws -> (Int, String) {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await http.send(OutboundRequest(url: base + "/api/vbdlis/" + operation, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: body))))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
    }

    func withMock(_ mock: VBDLISMock = VBDLISMock(), _ body: (Client, VBDLISMock) async throws -> Void) async throws {
        try await MockSystems.withServer(mock.server) { base, http in try await body(Client(base: base, http: http), mock) }
    }

    func data(_ text: String) -> String? { AnswerReading.text("data", in: Array(text.utf8)) }

    @Test func aDossiersLifeAnswersTheDoneTextsRealClientsKnow() async throws {
        try await withMock { client, _ in
            let (status, first) = try await client.call("tiepnhan", Self.handOver)
            #expect(status == 200 && data(first) == "1", "no auth needed: \(first)")
            let (_, again) = try await client.call("tiepnhan", Self.handOver)
            #expect(again.contains("đã tồn tại"))
            let supplement: [String: Any] = ["SoBienNhan": Self.receipt, "NgayHenTraMoi": NSNull(), "GhiChu": "", "DanhSachGiayToBoSung": NSNull()]
            let (_, supplemented) = try await client.call("capnhattrangthaibosunghoso", supplement)
            #expect(data(supplemented) == "1")
            let (_, supplementedAgain) = try await client.call("capnhattrangthaibosunghoso", supplement)
            #expect(supplementedAgain.contains("Hồ sơ không chờ bổ sung"))
            let returned: [String: Any] = ["SoBienNhan": Self.receipt, "NgayTra": "2025-07-30T16:00:00"]
            let (_, done) = try await client.call("capnhattrangthaitraketquahoso", returned)
            #expect(data(done) == "1")
            let (_, doneAgain) = try await client.call("capnhattrangthaitraketquahoso", returned)
            #expect(doneAgain.contains("đã được trả"))
            let (_, disputed) = try await client.call("phanhoihososaiketqua", ["SoBienNhan": Self.receipt, "NoiDung": "Sai diện tích thửa 45", "DanhSachGiayToDinhKem": NSNull()])
            #expect(data(disputed) == "1", "\(disputed)")
            let (_, unknown) = try await client.call("capnhattrangthaitraketquahoso", ["SoBienNhan": "000.00.20.H13-250711-99999", "NgayTra": "2025-07-30T16:00:00"])
            #expect(unknown.contains("Không tìm thấy hồ sơ"))
        }
    }

    @Test func anLGSPInFrontWantsAClientCredentialsToken() async throws {
        try await withMock(VBDLISMock(auth: .clientCredentials)) { client, _ in
            let (anonymous, _) = try await client.call("tiepnhan", Self.handOver)
            let (forged, _) = try await client.call("tiepnhan", Self.handOver, token: "forged")
            #expect(anonymous == 401 && forged == 401)
            let (_, token) = try await client.token("grant_type=client_credentials")
            let (status, _) = try await client.call("tiepnhan", Self.handOver, token: try #require(token))
            #expect(status == 200)
        }
    }

    @Test func ilisWantsThePasswordGrantAndServesItsOwnPaths() async throws {
        try await withMock(VBDLISMock(auth: .password(user: "canbo", password: "pw-1"))) { client, mock in
            let (refused, _) = try await client.token("grant_type=client_credentials")
            #expect(refused == 400)
            let (wrong, _) = try await client.token("grant_type=password&username=canbo&password=nope")
            #expect(wrong == 400)
            let (granted, token) = try await client.token("grant_type=password&username=canbo&password=pw-1")
            #expect(granted == 200)
            let (status, text) = try await client.call("TiepNhanHoSo", Self.handOver, token: try #require(token))
            #expect(status == 200 && data(text) == "1")
            #expect(await mock.control.journal.all().last?.operation == "tiepnhan")
        }
    }

    /// Each case: a field, its new value as a JSON literal (nil removes it), and the reason expected.
    /// The shapes of contract 1.0.0 (text area ids, a numeric `DienTich`, `dd/MM/yyyy` dates) are among them.
    @Test(arguments: [
        ("SoBienNhan", nil, "missing SoBienNhan"),
        ("LaQuyTrinhCapTinh", "\"false\"", "LaQuyTrinhCapTinh must be true or false"),
        ("TinhId", "\"92\"", "TinhId must be an integer"),
        ("XaId", "31117.5", "XaId must be an integer"),
        ("NgayTiepNhan", "\"11/07/2025 09:00:00\"", "NgayTiepNhan must be yyyy-MM-ddTHH:mm:ss"),
        ("NgayTiepNhan", "\"2025-07-11T09:00:00+07:00\"", "NgayTiepNhan must be yyyy-MM-ddTHH:mm:ss"),
        ("ThongTinThuaDat", "[{\"SoThuTuThua\":\"1\",\"SoHieuBanDo\":\"2\",\"DienTich\":120}]", "DienTich must be a string"),
        ("ThongTinThuaDat", "[{\"SoThuTuThua\":\"1\",\"SoHieuBanDo\":\"2\",\"DienTich\":\"-3\"}]", "DienTich must be a positive number"),
        ("DanhSachGiayToDinhKem", "[{\"TenGiayTo\":\"x\",\"SoBanChinh\":1,\"SoBanSao\":0,\"TapTin\":{\"name\":\"x\",\"data\":\"not base64!\"}}]", "TapTin.data must be base64"),
    ] as [(String, String?, String)])
    func refusesEveryDocumentedViolation(field: String, value: String?, reason: String) async throws {
        try await withMock { client, mock in
            var body = Self.handOver
            body[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, text) = try await client.call("tiepnhan", body)
            #expect(status == 400 && text.contains(reason), "\(text)")
            #expect(await mock.control.journal.all().last?.rejection?.contains(reason) == true)
        }
    }
}

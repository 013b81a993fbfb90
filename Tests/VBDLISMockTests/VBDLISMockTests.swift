import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import Logging
import MockSupport
import Testing
import VBDLISMock

/// The VBDLIS mock over real HTTP: the LGSP token, duplicates, updates that need a hand-over first.
@Suite(.serialized) struct VBDLISMockTests {
    static var handOver: [String: Any] { [
        "LaQuyTrinhCapTinh": false, "TinhId": "92", "HuyenId": "916", "XaId": "31117", "SoBienNhan": "BN-00318",
        "MaHoSoMotCua": "000.00.20.H13-250711-00318", "NguoiTiepNhan": "Bộ phận một cửa", "NgayTiepNhan": "11/07/2025 09:00:00",
        "NgayHenTra": "25/07/2025 16:00:00", "DiaChiTaiSan": "Thửa 45, tờ bản đồ 12",
        "ThongTinNguoiNopDon": ["HoTen": "Lê Văn Bình", "SoChungMinh": "092087005566", "DiaChiChiTiet": "", "SoDienThoai": "", "Email": ""],
        "ThongTinQuyTrinh": ["MaQuyTrinh": "QT-BD-01", "TenQuyTrinh": "Đăng ký biến động"],
        "ThongTinThuaDat": [["SoThuTuThua": "45", "SoHieuBanDo": "12", "DienTich": 120.5, "DiaChiChiTiet": "An Cư"]],
        "DanhSachGiayToDinhKem": [["TenGiayTo": "Đơn", "SoBanChinh": 1, "SoBanSao": 0, "TapTin": ["name": "don.pdf", "data": "JVBERi0xLjQ="]]],
    ] }

    struct Client {
        let base: String
        let http: AsyncHTTPTransport

        func token() async throws -> String {
            let basic = Data("motcua-cantho:dev-secret".utf8).base64EncodedString()
            let response = try await http.send(OutboundRequest(url: base + "/oauth2/token", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(basic)")], body: Array("grant_type=client_credentials".utf8)))
            return try #require(AnswerReading.text("access_token", in: response.body))
        }

        func call(_ operation: String, _ body: [String: Any], token: String?) async throws -> (Int, String) {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await http.send(OutboundRequest(url: base + "/api/vbdlis/" + operation, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: body))))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
    }

    func withMock(_ body: (Client, VBDLISMock) async throws -> Void) async throws {
        let mock = VBDLISMock()
        try await MockSystems.withServer(mock.server) { base, http in try await body(Client(base: base, http: http), mock) }
    }

    @Test func aHandOverThenItsUpdatesAndARepeatAnswersAlreadyThere() async throws {
        try await withMock { client, _ in
            let token = try await client.token()
            let (status, first) = try await client.call("tiepnhan", Self.handOver, token: token)
            #expect(status == 200 && AnswerReading.text("data", in: Array(first.utf8)) == "1")
            let (_, again) = try await client.call("tiepnhan", Self.handOver, token: token)
            #expect(again.contains("đã tồn tại"))
            let (_, supplement) = try await client.call("capnhattrangthaibosunghoso", ["SoBienNhan": "BN-00318", "NgayHenTraMoi": "30/07/2025 16:00:00", "GhiChu": "", "DanhSachGiayToBoSung": []], token: token)
            #expect(AnswerReading.text("data", in: Array(supplement.utf8)) == "1")
            let (_, unknown) = try await client.call("capnhattrangthaitraketquahoso", ["SoBienNhan": "BN-99999", "NgayTra": "30/07/2025 16:00:00"], token: token)
            #expect(unknown.contains("Không tìm thấy hồ sơ"))
        }
    }

    @Test func theLGSPWantsAToken() async throws {
        try await withMock { client, _ in
            let (anonymous, _) = try await client.call("tiepnhan", Self.handOver, token: nil)
            let (forged, _) = try await client.call("tiepnhan", Self.handOver, token: "forged")
            #expect(anonymous == 401 && forged == 401)
        }
    }

    /// Each case: a field, its new value as a JSON literal (nil removes it), and the reason expected.
    @Test(arguments: [
        ("MaHoSoMotCua", nil, "missing MaHoSoMotCua"),
        ("LaQuyTrinhCapTinh", "\"false\"", "LaQuyTrinhCapTinh must be true or false"),
        ("NgayTiepNhan", "\"2025-07-11\"", "NgayTiepNhan must be dd/MM/yyyy HH:mm:ss"),
        ("ThongTinThuaDat", "[]", "ThongTinThuaDat is empty"),
        ("ThongTinThuaDat", "[{\"SoThuTuThua\":\"1\",\"SoHieuBanDo\":\"2\",\"DienTich\":\"120\"}]", "DienTich must be a positive number"),
        ("DanhSachGiayToDinhKem", "[{\"TenGiayTo\":\"x\",\"TapTin\":{\"name\":\"x\",\"data\":\"not base64!\"}}]", "TapTin.data must be base64"),
    ] as [(String, String?, String)])
    func refusesEveryDocumentedViolation(field: String, value: String?, reason: String) async throws {
        try await withMock { client, mock in
            var body = Self.handOver
            body[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, text) = try await client.call("tiepnhan", body, token: try await client.token())
            #expect(status == 400 && text.contains(reason), "\(text)")
            #expect(await mock.control.journal.all().last?.rejection?.contains(reason) == true)
        }
    }
}

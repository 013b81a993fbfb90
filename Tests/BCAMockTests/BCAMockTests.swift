import BCAMock
import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import Logging
import MockSupport
import Testing

/// The BCA portal mock over real HTTP: tokens, the enforced status order, every documented violation.
@Suite(.serialized) struct BCAMockTests {
    struct Client {
        let base: String
        let http: AsyncHTTPTransport

        func token() async throws -> String {
            let response = try await http.send(OutboundRequest(url: base + "/api/auth/token", headers: [("Content-Type", "application/json")], body: Array(#"{"userName":"motcua-cantho","password":"dev-password"}"#.utf8)))
            return try #require(AnswerReading.text("token", in: response.body))
        }

        func push(_ body: [String: Any], token: String?) async throws -> (Int, String) {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await http.send(OutboundRequest(url: base + "/api/hosolienthong/capnhattrangthai", headers: headers, body: Array(try JSONSerialization.data(withJSONObject: body))))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
    }

    @Test func theInboxListsDossiersUntilTheyAreAcknowledgedAndDetailsTheirHoTichRecordAsXML() async throws {
        try await withMock { client, _ in
            func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, token: String? = nil) async throws -> (Int, [String: Any]) {
                var headers = [("Content-Type", "application/json")]
                if let token { headers.append(("Authorization", "Bearer \(token)")) }
                let response = try await client.http.send(OutboundRequest(
                    method: method, url: client.base + path, headers: headers, body: try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
                ))
                return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:])
            }
            let (_, added) = try await call("POST", "/_control/portal/dossiers", ["count": 2])
            let codes = try #require(added["dossiers"] as? [String])
            #expect(codes.count == 2)
            #expect(try await call("GET", "/api/hosolienthong").0 == 401, "a token is needed")
            let token = try await client.token()
            let rows = try #require(try await call("GET", "/api/hosolienthong", token: token).1["data"] as? [[String: Any]])
            #expect(rows.compactMap { $0["maHoSo"] as? String } == codes && rows.allSatisfy { $0["maDonVi"] is Int })
            let id = try #require(rows.first?["id"] as? Int)
            let detail = try #require(try await call("GET", "/api/hosolienthong/\(id)", token: token).1["data"] as? [String: Any])
            #expect((detail["duLieuHoTich"] as? String)?.hasPrefix("<hoTich>") == true && (detail["fileDinhKem"] as? [Any])?.count == 1)
            #expect(try await call("GET", "/api/hosolienthong/99999", token: token).0 == 404)
            #expect(try await call("PUT", "/api/hosolienthong/danhan", ["maHoSo": codes[0]], token: token).0 == 400, "daNhan must be true")
            #expect(try await call("PUT", "/api/hosolienthong/danhan", ["maHoSo": codes[0], "daNhan": true], token: token).0 == 200)
            let left = try #require(try await call("GET", "/api/hosolienthong", token: token).1["data"] as? [[String: Any]])
            #expect(left.compactMap { $0["maHoSo"] as? String } == [codes[1]], "an acknowledged dossier leaves the list")
            #expect(try await call("GET", "/_control/portal/acknowledged").1["dossiers"] as? [String] == [codes[0]])
        }
    }

    static func push(_ status: Int, dossier: String = "000.00.31.H13-250711-00107") -> [String: Any] {
        let first = status == 1
        return [
            "maTTHC": "2.000986", "soHoSoLT": "LTKS-1", "coQuanXuLy": 5, "maHoSo": dossier, "trangThai": status,
            "thoiGianThucHien": "11/07/2025 08:10:00", "ghiChu": NSNull(), "nguoiXuLy": first ? NSNull() : "Cán bộ Lan",
            "noiDungXuLy": first ? NSNull() : "Xử lý", "chucDanh": NSNull(), "phongBanXuLy": NSNull(),
            "ketQuaXuLy": status == 4 ? #"{"soDinhDanh":"092225001234","soDangKy":"107/2025","maGiayToKetQua":"KS-1","giayKhaiSinh":"JVBERi0xLjQ="}"# : NSNull(),
            "ngayBatDau": NSNull(), "ngayKetThucTheoQuyDinh": NSNull(), "ngayHenTraTruoc": NSNull(), "ngayHenTraMoi": NSNull(), "hanBoSungHoSo": NSNull(),
        ]
    }

    func withMock(_ body: (Client, BCAMock) async throws -> Void) async throws {
        let mock = BCAMock()
        try await MockSystems.withServer(mock.server) { base, http in try await body(Client(base: base, http: http), mock) }
    }

    @Test func theNormalOrderIsAcceptedAndAFinishedDossierAnswersAlreadyReturned() async throws {
        try await withMock { client, _ in
            let token = try await client.token()
            for status in [1, 3, 7, 7, 4, 5] {
                let (code, text) = try await client.push(Self.push(status), token: token)
                #expect(code == 200 && text.contains("thành công"), "status \(status): \(text)")
            }
            let (_, after) = try await client.push(Self.push(7), token: token)
            #expect(after.contains("đã trả kết quả, không được cập nhật trạng thái"))
        }
    }

    @Test(arguments: [[3], [1, 4], [1, 3, 7, 5], [1, 6, 3], [1, 3, 1], [1, 3, 7, 3]])
    func statusesOutOfOrderAreRefusedAsInvalidLogic(sequence: [Int]) async throws {
        try await withMock { client, mock in
            let token = try await client.token()
            var last: (Int, String) = (0, "")
            for status in sequence { last = try await client.push(Self.push(status), token: token) }
            let refusedAsDone = sequence.last == 3 && sequence.contains(6)
            if refusedAsDone {
                #expect(last.1.contains("đã có kết quả xử lý"))
            } else {
                #expect(last.0 == 400 && last.1.contains("Logic xử lý không hợp lệ"), "\(sequence): \(last)")
                #expect(await mock.control.journal.all().last?.accepted == false)
            }
        }
    }

    /// Each case: a status, a field, its new value as a JSON literal (nil removes it), and the
    /// reason expected. The first contract's shapes (a text coQuanXuLy, ketQuaXuLy with every
    /// status, non-null handler texts with status 1, the certificate in fileKetQua) are among them.
    @Test(arguments: [
        (1, "soHoSoLT", nil, "missing soHoSoLT"),
        (1, "coQuanXuLy", "\"000.00.31.H13\"", "coQuanXuLy must be an integer"),
        (1, "trangThai", "\"1\"", "trangThai must be an integer"),
        (1, "trangThai", "8", "trangThai must be one of 1-7"),
        (1, "thoiGianThucHien", "\"20250711081000\"", "thoiGianThucHien must be dd/MM/yyyy HH:mm:ss"),
        (1, "nguoiXuLy", "\"Bộ phận một cửa\"", "nguoiXuLy must be null with status 1"),
        (1, "ketQuaXuLy", "\"{}\"", "ketQuaXuLy must be null with status 1"),
        (3, "ketQuaXuLy", "\"{}\"", "ketQuaXuLy is sent with status 4 only"),
        (4, "ketQuaXuLy", "{}", "ketQuaXuLy must be a string"),
        (4, "ketQuaXuLy", "\"[1]\"", "ketQuaXuLy must be a JSON object sent as a string"),
        (4, "ketQuaXuLy", "\"{\\\"soDinhDanh\\\":\\\"1\\\",\\\"soDangKy\\\":\\\"1\\\",\\\"maGiayToKetQua\\\":\\\"1\\\",\\\"fileKetQua\\\":\\\"JVBE\\\"}\"", "certificate in giayKhaiSinh or giayKhaiTu"),
    ] as [(Int, String, String?, String)])
    func refusesEveryDocumentedViolationAsAProblem(status: Int, field: String, value: String?, reason: String) async throws {
        try await withMock { client, mock in
            var body = Self.push(status)
            body[field] = try value.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) }
            let (status, text) = try await client.push(body, token: try await client.token())
            #expect(status == 400 && text.contains("traceId") && text.contains(reason), "\(text)")
            #expect(await mock.control.journal.all().last?.rejection?.contains(reason) == true)
        }
    }

    @Test func aResultNeedsItsIdentifiers() async throws {
        try await withMock { client, _ in
            let token = try await client.token()
            for status in [1, 3, 7] { _ = try await client.push(Self.push(status), token: token) }
            var result = Self.push(4)
            result["ketQuaXuLy"] = #"{"giayKhaiSinh":"JVBERi0xLjQ="}"#
            let (status, text) = try await client.push(result, token: token)
            #expect(status == 400 && text.contains("status 4 needs soDinhDanh"))
        }
    }

    @Test func refusesMissingOrExpiredTokens() async throws {
        try await withMock { client, mock in
            #expect(try await client.push(Self.push(1), token: nil).0 == 401)
            let token = try await client.token()
            await mock.control.expireSessions()
            #expect(try await client.push(Self.push(1), token: token).0 == 401)
        }
    }
}

import Foundation
import Hummingbird
import MockSupport

/// A mock VBDLIS behind an LGSP that enforces `Contracts/vbdlis/openapi.json`: an OAuth2
/// client-credentials token endpoint, `tiepnhan` (a known receipt answers "đã tồn tại"),
/// and the two status updates, which need a dossier handed over first.
public struct VBDLISMock: Sendable {
    public let control: MockControl
    let tokens: MockTokens
    let state = VBDLISState()
    let clientID: String
    let clientSecret: String
    /// Whether calls need a bearer token (the LGSP in front) or not.
    let requiresToken: Bool

    public init(clientID: String = "motcua-cantho", clientSecret: String = "dev-secret", requiresToken: Bool = true) {
        let tokens = MockTokens()
        self.tokens = tokens
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.requiresToken = requiresToken
        self.control = MockControl(expireSessions: { await tokens.expireAll() })
    }

    public var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post("/oauth2/token") { request, _ in
            await control.serve(request, operation: { _ in "token" }, idempotent: false) { request in
                await MockOAuth2.grant(request, clientID: clientID, clientSecret: clientSecret, tokens: tokens)
            }
        }
        for operation in ["tiepnhan", "capnhattrangthaibosunghoso", "capnhattrangthaitraketquahoso"] {
            router.post(RouterPath("/api/vbdlis/\(operation)")) { request, _ in
                await control.serve(request, operation: { _ in operation }, describe: { request in
                    guard case .success(let body) = request.body else { return }
                    request.dossiers = [(body["MaHoSoMotCua"] ?? body["SoBienNhan"]) as? String].compactMap { $0 }
                }) { request in await answer(request, operation: operation) }
            }
        }
        return MockServer(name: "vbdlis", router: router)
    }

    private func answer(_ request: MockRequest, operation: String) async -> MockAnswer {
        if requiresToken, !(await tokens.isValid(request.bearerToken)) {
            return Self.answer(status: 401, data: 0, success: false, code: 401, "Token không hợp lệ hoặc đã hết hạn")
        }
        do {
            let body = try request.body.get()
            let receipt = try MockContract.string(body, "SoBienNhan")
            switch operation {
            case "tiepnhan":
                try VBDLISContract.handOver(body)
                guard await state.receive(receipt) else { return Self.answer(status: 200, data: 0, success: false, code: 409, "Hồ sơ \(receipt) đã tồn tại") }
            case "capnhattrangthaibosunghoso":
                _ = try MockContract.slashedDate(body, "NgayHenTraMoi")
                _ = try MockContract.string(body, "GhiChu", allowEmpty: true)
                _ = try MockContract.array(body, "DanhSachGiayToBoSung")
                guard await state.knows(receipt) else { return Self.answer(status: 200, data: 0, success: false, code: 404, "Không tìm thấy hồ sơ \(receipt)") }
            default:
                _ = try MockContract.slashedDate(body, "NgayTra")
                guard await state.knows(receipt) else { return Self.answer(status: 200, data: 0, success: false, code: 404, "Không tìm thấy hồ sơ \(receipt)") }
            }
            return Self.answer(status: 200, data: 1, success: true, code: 200, "Thành công")
        } catch {
            return Self.answer(status: 400, data: 0, success: false, code: 400, "Dữ liệu không hợp lệ: \((error as? MockContractViolation)?.description ?? "\(error)")")
        }
    }

    static func answer(status: Int, data: Int, success: Bool, code: Int, _ message: String) -> MockAnswer {
        .json(["data": data, "status": ["success": success, "code": code, "type": success ? "success" : "error", "time": ISO8601DateFormatter().string(from: Date()), "message": message]],
              status: status, code: String(data), accepted: success, rejection: success ? nil : message)
    }
}

/// The request rules of `Contracts/vbdlis/openapi.json`.
enum VBDLISContract {
    static func handOver(_ body: [String: Any]) throws {
        guard body["LaQuyTrinhCapTinh"] is Bool || (body["LaQuyTrinhCapTinh"] as? NSNumber).map({ String(cString: $0.objCType) == "c" }) == true else {
            throw MockContractViolation("body.LaQuyTrinhCapTinh must be true or false")
        }
        for field in ["TinhId", "HuyenId", "XaId", "SoBienNhan", "MaHoSoMotCua", "NguoiTiepNhan", "DiaChiTaiSan"] { _ = try MockContract.string(body, field) }
        for field in ["NgayTiepNhan", "NgayHenTra"] { _ = try MockContract.slashedDate(body, field) }
        guard let applicant = body["ThongTinNguoiNopDon"] as? [String: Any] else { throw MockContractViolation("body.ThongTinNguoiNopDon must be an object") }
        _ = try MockContract.string(applicant, "HoTen", in: "ThongTinNguoiNopDon")
        guard let workflow = body["ThongTinQuyTrinh"] as? [String: Any] else { throw MockContractViolation("body.ThongTinQuyTrinh must be an object") }
        _ = try MockContract.string(workflow, "MaQuyTrinh", in: "ThongTinQuyTrinh")
        let parcels = try MockContract.array(body, "ThongTinThuaDat")
        guard !parcels.isEmpty else { throw MockContractViolation("body.ThongTinThuaDat is empty") }
        for (index, parcel) in parcels.enumerated() {
            guard let parcel = parcel as? [String: Any] else { throw MockContractViolation("ThongTinThuaDat[\(index)] must be an object") }
            _ = try MockContract.string(parcel, "SoThuTuThua", in: "ThongTinThuaDat[\(index)]")
            _ = try MockContract.string(parcel, "SoHieuBanDo", in: "ThongTinThuaDat[\(index)]")
            guard let area = parcel["DienTich"] as? NSNumber, !(parcel["DienTich"] is String), area.doubleValue > 0 else {
                throw MockContractViolation("ThongTinThuaDat[\(index)].DienTich must be a positive number")
            }
        }
        for (index, attachment) in try MockContract.array(body, "DanhSachGiayToDinhKem").enumerated() {
            let context = "DanhSachGiayToDinhKem[\(index)]"
            guard let attachment = attachment as? [String: Any], let file = attachment["TapTin"] as? [String: Any] else {
                throw MockContractViolation("\(context) must be an object with TapTin")
            }
            _ = try MockContract.string(attachment, "TenGiayTo", in: context)
            let data = try MockContract.string(file, "data", in: "\(context).TapTin")
            guard Data(base64Encoded: data) != nil else { throw MockContractViolation("\(context).TapTin.data must be base64") }
        }
    }
}

/// Dossiers handed over, by receipt number.
actor VBDLISState {
    private var receipts: Set<String> = []
    func receive(_ receipt: String) -> Bool { receipts.insert(receipt).inserted }
    func knows(_ receipt: String) -> Bool { receipts.contains(receipt) }
}

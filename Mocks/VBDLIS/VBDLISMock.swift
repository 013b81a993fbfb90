import Foundation
import Hummingbird
import MockSupport

/// A mock VBDLIS that enforces `Contracts/vbdlis/openapi.json`: the four operations with
/// integer area ids, `DienTich` as text and ISO 8601 local dates, answered with the texts real
/// clients treat as done ("đã tồn tại", "Hồ sơ không chờ bổ sung", "không tìm thấy",
/// "đã được trả"). No auth by default, as VBDLIS is reached; an LGSP's client-credentials
/// token, or ILIS's password grant and paths, when asked for.
package struct VBDLISMock: Sendable {
    /// Where the LGSP serves the token endpoint and VBDLIS's operations.
    package struct Paths: Sendable {
        package var token = "/oauth2/token"
        /// The operations (`tiepnhan`, …, and ILIS's `TiepNhanHoSo`, …) are served under this prefix.
        package var operations = "/api/vbdlis"
        package init() {}
    }

    /// What a caller must show.
    package enum Auth: Sendable {
        case none
        case clientCredentials
        /// ILIS: the password grant for this user.
        case password(user: String, password: String)
    }

    /// Each operation, by the names VBDLIS and ILIS serve it under.
    static let operations: [(name: String, aliases: [String])] = [
        ("tiepnhan", ["TiepNhanHoSo"]), ("capnhattrangthaibosunghoso", ["BoSungHoSo"]),
        ("capnhattrangthaitraketquahoso", ["CapNhatTrangThaiHoSo"]), ("phanhoihososaiketqua", []),
    ]

    package let control: MockControl
    let tokens: MockTokens
    let state = VBDLISState()
    let callbacks = VBDLISCallbackSender()
    let clientID: String
    let clientSecret: String
    let auth: Auth
    let paths: Paths

    package init(clientID: String = VBDLISMock.devClientID, clientSecret: String = VBDLISMock.devClientSecret, auth: Auth = .none, paths: Paths = Paths()) {
        self.paths = paths
        let tokens = MockTokens()
        self.tokens = tokens
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.auth = auth
        self.control = MockControl(expireSessions: { await tokens.expireAll() })
    }

    package var server: MockServer {
        let router = Router()
        control.register(on: router)
        registerCallbackControl(on: router)
        router.post(RouterPath(paths.token)) { request, _ in
            await control.serve(request, operation: { _ in "token" }, idempotent: false) { request in
                var user: (name: String, password: String)?
                if case .password(let name, let password) = auth { user = (name, password) }
                return await MockOAuth2.grant(request, clientID: clientID, clientSecret: clientSecret, user: user, tokens: tokens)
            }
        }
        for (operation, aliases) in Self.operations {
            for name in [operation] + aliases {
                router.post(RouterPath("\(paths.operations)/\(name)")) { request, _ in
                    await control.serve(request, operation: { _ in operation }, describe: { request in
                        guard case .success(let body) = request.body else { return }
                        request.dossiers = [body["SoBienNhan"] as? String].compactMap { $0 }
                    }) { request in await answer(request, operation: operation) }
                }
            }
        }
        return MockServer(name: Self.name, router: router)
    }

    private func answer(_ request: MockRequest, operation: String) async -> MockAnswer {
        if case .none = auth {} else if !(await tokens.isValid(request.bearerToken)) {
            return Self.answer(status: 401, data: 0, success: false, code: 401, "Token không hợp lệ hoặc đã hết hạn")
        }
        do {
            let body = try request.body.get()
            let receipt = try MockContract.string(body, "SoBienNhan")
            let stage = await state.stage(of: receipt)
            switch operation {
            case "tiepnhan":
                try VBDLISContract.handOver(body)
                guard await state.receive(receipt) else { return Self.answer(status: 200, data: 0, success: false, code: 409, "Hồ sơ \(receipt) đã tồn tại") }
                callbacks.schedule("ChuyenHoSo", receipt: receipt, body: ["NgayChuyen": Self.localNow(), "NoiDung": "Chuyển Văn phòng đăng ký đất đai"])
            case "capnhattrangthaibosunghoso":
                try VBDLISContract.supplement(body)
                guard let stage else { return Self.answer(status: 200, data: 0, success: false, code: 404, "Không tìm thấy hồ sơ \(receipt)") }
                guard stage == .received else { return Self.answer(status: 200, data: 0, success: false, code: 400, "Hồ sơ không chờ bổ sung") }
                await state.record(.supplementRecorded, for: receipt)
                callbacks.schedule("NhanBoSungHoSo", receipt: receipt, body: ["NgayNhan": Self.localNow()])
            case "capnhattrangthaitraketquahoso":
                try VBDLISContract.returnResult(body)
                guard let stage else { return Self.answer(status: 200, data: 0, success: false, code: 404, "Không tìm thấy hồ sơ \(receipt)") }
                guard stage != .returned else { return Self.answer(status: 200, data: 0, success: false, code: 400, "Hồ sơ đã được trả kết quả") }
                await state.record(.returned, for: receipt)
                callbacks.schedule("KetThucHoSo", receipt: receipt, body: ["NgayKetThuc": Self.localNow(), "KetQua": "Đã trả kết quả"])
            default:
                try VBDLISContract.disputeResult(body)
                guard stage == .returned else { return Self.answer(status: 200, data: 0, success: false, code: 400, "Hồ sơ chưa trả kết quả, không thể phản hồi sai kết quả") }
                await state.record(.received, for: receipt)
            }
            return Self.answer(status: 200, data: 1, success: true, code: 200, "Thành công")
        } catch {
            return Self.answer(status: 400, data: 0, success: false, code: 400, "Dữ liệu không hợp lệ: \((error as? MockContractViolation)?.description ?? "\(error)")")
        }
    }

    /// Now as VBDLIS writes local times: `yyyy-MM-ddTHH:mm:ss`, Vietnam time.
    static func localNow() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: Date())
    }

    static func answer(status: Int, data: Int, success: Bool, code: Int, _ message: String) -> MockAnswer {
        .json(["data": data, "status": ["success": success, "code": code, "type": success ? "success" : "error", "time": ISO8601DateFormatter().string(from: Date()), "message": message]],
              status: status, code: String(data), accepted: success, rejection: success ? nil : message)
    }
}

extension VBDLISMock: MockSystem {
    package static let name = "vbdlis"
    package static let defaultPort = 18_083
    package static let devClientID = "motcua-cantho"
    package static let devClientSecret = "dev-secret"
    /// No auth by default, so no secret; tests that put a token endpoint in front pass their own.
    /// No auth to reach it; the code VBDLIS puts in its callbacks' path is the province's secret.
    package static var devSecrets: [String: String] { [callbackCodeVariable: devCallbackCode] }
    package static let callbackCodeVariable = "VBDLIS_CALLBACK_CODE"
    package static let devCallbackCode = "dev-callback-code"

    /// VBDLIS as public clients reach it: no auth.
    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL + Paths().operations]
    }

    package init() { self.init(clientID: Self.devClientID, clientSecret: Self.devClientSecret, auth: .none, paths: Paths()) }
}

import Foundation
import Hummingbird
import MockSupport

/// A mock VBDLIS behind an LGSP that enforces `Contracts/vbdlis/openapi.json`: an OAuth2
/// client-credentials token endpoint, `tiepnhan` (a known receipt answers "đã tồn tại"),
/// and the two status updates, which need a dossier handed over first.
package struct VBDLISMock: Sendable {
    /// Where the LGSP serves the token endpoint and VBDLIS's operations.
    package struct Paths: Sendable {
        package var token = "/oauth2/token"
        /// The operations (`tiepnhan`, …) are served under this prefix.
        package var operations = "/api/vbdlis"
        package init() {}
    }

    package let control: MockControl
    let tokens: MockTokens
    let state = VBDLISState()
    let clientID: String
    let clientSecret: String
    /// Whether calls need a bearer token (the LGSP in front) or not.
    let requiresToken: Bool
    let paths: Paths

    package init(clientID: String = VBDLISMock.devClientID, clientSecret: String = VBDLISMock.devClientSecret, requiresToken: Bool = true, paths: Paths = Paths()) {
        self.paths = paths
        let tokens = MockTokens()
        self.tokens = tokens
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.requiresToken = requiresToken
        self.control = MockControl(expireSessions: { await tokens.expireAll() })
    }

    package var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(paths.token)) { request, _ in
            await control.serve(request, operation: { _ in "token" }, idempotent: false) { request in
                await MockOAuth2.grant(request, clientID: clientID, clientSecret: clientSecret, tokens: tokens)
            }
        }
        for operation in ["tiepnhan", "capnhattrangthaibosunghoso", "capnhattrangthaitraketquahoso"] {
            router.post(RouterPath("\(paths.operations)/\(operation)")) { request, _ in
                await control.serve(request, operation: { _ in operation }, describe: { request in
                    guard case .success(let body) = request.body else { return }
                    request.dossiers = [(body["MaHoSoMotCua"] ?? body["SoBienNhan"]) as? String].compactMap { $0 }
                }) { request in await answer(request, operation: operation) }
            }
        }
        return MockServer(name: Self.name, router: router)
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

extension VBDLISMock: MockSystem {
    package static let name = "vbdlis"
    package static let defaultPort = 18_083
    package static let devClientID = "motcua-cantho"
    package static let devClientSecret = "dev-secret"
    package static var devSecrets: [String: String] { ["VBDLIS_CLIENT_SECRET": devClientSecret] }

    package static func connection(baseURL: String) -> [String: String] {
        let paths = Paths()
        return ["baseURL": baseURL + paths.operations, "tokenURL": baseURL + paths.token, "clientId": devClientID]
    }

    package init() { self.init(clientID: Self.devClientID, clientSecret: Self.devClientSecret, requiresToken: true, paths: Paths()) }
}

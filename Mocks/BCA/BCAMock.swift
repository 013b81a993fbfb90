import Foundation
import Hummingbird
import MockSupport

/// A mock BCA interconnected-services portal that enforces `Contracts/bca/openapi.json`:
/// tokens from user name and password (and refresh tokens, which clients are not seen to use),
/// the status push with the order 1 → 3 → 7 → 4 → 5 and the branches 2 and 6 (a status sent
/// again after a later one is refused), and the inbox of interconnected dossiers filed on the
/// national portal: list, detail (the `<hoTich>` record as XML) and acknowledgement. Success is
/// `{status: 200, title}`; errors are RFC 7807 problem details, the text in `title`.
package struct BCAMock: Sendable {
    package struct Paths: Sendable {
        package var token = "/api/auth/token"
        package var refresh = "/api/auth/refresh"
        package var status = "/api/hosolienthong/capnhattrangthai"
        package var list = "/api/hosolienthong"
        package var acknowledge = "/api/hosolienthong/danhan"
        package init() {}
    }

    package let control: MockControl
    let tokens: MockTokens
    let refreshTokens = MockTokens(lifetime: .seconds(86_400))
    let state = BCAState()
    let inbox = BCAPortalInbox()
    let userName: String
    let password: String
    let paths: Paths

    package init(userName: String = BCAMock.devUserName, password: String = BCAMock.devPassword, paths: Paths = Paths()) {
        let tokens = MockTokens(lifetime: .seconds(1_800))
        self.tokens = tokens
        self.userName = userName
        self.password = password
        self.paths = paths
        self.control = MockControl(expireSessions: { await tokens.expireAll() })
    }

    package var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(paths.token)) { request, _ in
            await control.serve(request, operation: { _ in "token" }, idempotent: false) { request in await token(request) }
        }
        router.post(RouterPath(paths.refresh)) { request, _ in
            await control.serve(request, operation: { _ in "refresh" }, idempotent: false) { request in await refresh(request) }
        }
        router.post(RouterPath(paths.status)) { request, _ in
            // The portal ignores Idempotency-Key, as nobody sends one: a push sent again is applied
            // again, and refused when a later status came in between.
            await control.serve(request, operation: { _ in "CapNhatTrangThaiHoSoLT" }, describe: { request in
                guard case .success(let body) = request.body else { return }
                request.dossiers = [body["maHoSo"] as? String].compactMap { $0 }
                request.statuses = [(body["trangThai"] as? NSNumber)?.stringValue].compactMap { $0 }
            }, idempotent: false) { request in await push(request) }
        }
        registerInbox(on: router)
        return MockServer(name: Self.name, router: router)
    }

    private func grant() async -> MockAnswer {
        let (token, _) = await tokens.issue()
        let (refreshToken, _) = await refreshTokens.issue()
        let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
        return .json(["token": token, "refreshToken": refreshToken, "refreshTokenExpiryTime": expiry], accepted: true)
    }

    private func token(_ request: MockRequest) async -> MockAnswer {
        do {
            let body = try request.body.get()
            let user = try MockContract.string(body, "userName")
            let secret = try MockContract.string(body, "password")
            guard user == userName, secret == password else { return Self.problem(401, "Unauthorized", "Tên đăng nhập hoặc mật khẩu không đúng") }
            return await grant()
        } catch {
            return Self.problem(400, "Bad Request", (error as? MockContractViolation)?.description ?? "\(error)")
        }
    }

    private func refresh(_ request: MockRequest) async -> MockAnswer {
        guard let body = try? request.body.get(), let token = body["refreshToken"] as? String, await refreshTokens.isValid(token) else {
            return Self.problem(401, "Unauthorized", "Refresh token không hợp lệ hoặc đã hết hạn")
        }
        return await grant()
    }

    private func push(_ request: MockRequest) async -> MockAnswer {
        guard await tokens.isValid(request.bearerToken) else { return Self.problem(401, "Unauthorized", "Token không hợp lệ hoặc đã hết hạn") }
        do {
            let body = try request.body.get()
            let (dossier, status) = try BCAContract.statusPush(body)
            switch await state.apply(status, to: dossier) {
            case .applied:
                return .json(["status": 200, "title": "Cập nhật trạng thái thành công"], code: "200", accepted: true)
            case .alreadyDone(let message):
                return .json(["status": 200, "title": message], code: "200", accepted: false, rejection: message)
            case .outOfOrder(let current):
                return Self.problem(400, "Logic xử lý không hợp lệ", "trạng thái \(status) không được phép sau trạng thái \(current.map(String.init) ?? "chưa có")")
            }
        } catch {
            return Self.problem(400, "Bad Request", (error as? MockContractViolation)?.description ?? "\(error)")
        }
    }

    static func problem(_ status: Int, _ title: String, _ detail: String) -> MockAnswer {
        .json([
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1", "title": title, "status": status,
            "errors": ["detail": [detail]], "traceId": UUID().uuidString,
        ], status: status, code: String(status), accepted: false, rejection: "\(title): \(detail)")
    }
}

extension BCAMock: MockSystem {
    package static let name = "bca"
    package static let defaultPort = 18_082
    package static let devUserName = "motcua-cantho"
    package static let devPassword = "dev-password"
    package static var devSecrets: [String: String] { ["BCA_PASSWORD": devPassword] }

    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL, "userName": devUserName]
    }

    package init() { self.init(userName: Self.devUserName, password: Self.devPassword, paths: Paths()) }
}

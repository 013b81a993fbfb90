import Foundation
import Hummingbird
import MockSupport
import NIOCore

/// A mock National Public Service Portal that enforces `Contracts/dvcqg/openapi.json`:
/// login, integration (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`) and sharing (`TraCuuHoSo`, `LayThuTuc`).
public struct DVCQGMock: Sendable {
    public struct Paths: Sendable {
        public var login = "/api/dvcqg/login"
        public var integration = "/api/dvcqg/integration"
        public var sharing = "/api/dvcqg/sharing"
        public init() {}
    }

    public let control: MockControl
    let state: DVCQGState
    let paths: Paths

    public init(username: String = "gateway", password: String = "dev-password", paths: Paths = Paths()) {
        let state = DVCQGState(username: username, password: password)
        self.state = state
        self.paths = paths
        self.control = MockControl(expireSessions: { await state.expireSessions() })
    }

    public var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(paths.login)) { request, _ in await handle(request, kind: .login) }
        router.post(RouterPath(paths.integration)) { request, _ in await handle(request, kind: .integration) }
        router.post(RouterPath(paths.sharing)) { request, _ in await handle(request, kind: .sharing) }
        return MockServer(name: "dvcqg", router: router)
    }

    enum Kind { case login, integration, sharing }

    private func handle(_ request: Request, kind: Kind) async -> Response {
        let buffer = (try? await request.body.collect(upTo: 8 << 20)) ?? ByteBuffer()
        let text = String(buffer: buffer)
        let parsed = MockJSON.object(buffer)
        let operation: String
        switch kind {
        case .login: operation = "login"
        case .integration, .sharing: operation = ((try? parsed.get())?["service"] as? String) ?? "unknown"
        }
        var entry = JournalEntry(
            sequence: 0, receivedAt: Date(), method: "POST", path: request.uri.path, operation: operation,
            dossiers: [], statuses: [], idempotencyKey: request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value,
            status: 200, answerCode: nil, accepted: false, rejection: nil, body: text
        )
        if let rows = (try? parsed.get())?["data"] as? [[String: Any]] {
            entry.dossiers = rows.compactMap { $0["MaHoSo"] as? String }
            if operation == "DongBoHoSoMC" { entry.statuses = rows.compactMap { $0["TrangThaiHoSo"] as? String } }
        }
        if let (response, reason) = await control.injectedFault(operation: operation) {
            entry.status = Int(response.status.code)
            entry.rejection = reason
            await control.journal.append(entry)
            return response
        }
        if let key = entry.idempotencyKey, let previous = await control.idempotency.answer(for: key) {
            entry.status = previous.status
            entry.answerCode = previous.code
            entry.accepted = true
            entry.absorbed = true
            await control.journal.append(entry)
            return Response(status: .init(code: previous.status), headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: previous.body)))
        }
        let answer: DVCQGAnswer
        switch parsed {
        case .failure(let violation):
            answer = .violation(violation)
        case .success(let body):
            switch kind {
            case .login: answer = await login(body)
            case .integration: answer = await integration(body, operation: operation)
            case .sharing: answer = await sharing(body, operation: operation)
            }
        }
        entry.status = answer.status
        entry.answerCode = answer.code
        entry.accepted = answer.accepted
        entry.rejection = answer.rejection
        if answer.accepted, let key = entry.idempotencyKey {
            await control.idempotency.remember(.init(status: answer.status, code: answer.code, body: answer.body), for: key)
        }
        await control.journal.append(entry)
        return answer.response
    }

    private func login(_ body: [String: Any]) async -> DVCQGAnswer {
        guard let username = body["username"] as? String, let password = body["password"] as? String else {
            return .violation(MockContractViolation("login needs string fields username and password"))
        }
        guard let session = await state.login(username: username, password: password) else {
            return .refused(code: "-1", message: "Tên đăng nhập hoặc mật khẩu không đúng")
        }
        return .ok(["error_code": "0", "message": "Đăng nhập thành công", "session": session])
    }

    private func integration(_ body: [String: Any], operation: String) async -> DVCQGAnswer {
        do {
            let session = try DVCQGContract.requireString(body, "session")
            _ = try DVCQGContract.requireString(body, "madonvi")
            guard await state.isValid(session: session) else {
                return .refused(code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn")
            }
            switch operation {
            case "DongBoHoSoMC":
                let (isUpdating, rows) = try DVCQGContract.dossierSync(body)
                for row in rows {
                    let code = row["MaHoSo"] as! String
                    if !isUpdating, await state.knows(code) {
                        return .refused(code: "-3", message: "Hồ sơ \(code) đã tồn tại trên hệ thống")
                    }
                }
                for row in rows {
                    let stored = try JSONSerialization.data(withJSONObject: row)
                    await state.store(row["MaHoSo"] as! String, stored)
                }
                return .ok(["error_code": "0", "message": "Thành công"])
            case "CapNhatTienDoHoSoMC":
                let rows = try DVCQGContract.progress(body)
                for row in rows where !(await state.knows(row["MaHoSo"] as! String)) {
                    return .refused(code: "-4", message: "Không tìm thấy hồ sơ \(row["MaHoSo"] as! String)")
                }
                await state.addProgress(rows.count)
                return .ok(["error_code": "0", "message": "Thành công"])
            default:
                throw MockContractViolation("service must be DongBoHoSoMC or CapNhatTienDoHoSoMC, got \(operation)")
            }
        } catch let violation as MockContractViolation {
            return .violation(violation)
        } catch {
            return .violation(MockContractViolation("\(error)"))
        }
    }

    private func sharing(_ body: [String: Any], operation: String) async -> DVCQGAnswer {
        do {
            let session = try DVCQGContract.requireString(body, "session")
            guard await state.isValid(session: session) else {
                return .refused(code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn")
            }
            switch operation {
            case "TraCuuHoSo":
                let code = try DVCQGContract.requireString(body, "mahoso")
                let found = await state.dossier(code).flatMap { try? JSONSerialization.jsonObject(with: $0) }.map { [$0] } ?? []
                return .ok(["error_code": "0", "result": found])
            case "LayThuTuc":
                let code = try DVCQGContract.requireString(body, "maTTHC")
                return .ok(["error_code": "0", "result": [["MaTTHC": code, "TenTTHC": "Thủ tục \(code)"]]])
            default:
                throw MockContractViolation("service must be TraCuuHoSo or LayThuTuc, got \(operation)")
            }
        } catch let violation as MockContractViolation {
            return .violation(violation)
        } catch {
            return .violation(MockContractViolation("\(error)"))
        }
    }
}

/// The mock's answer and how it is journalled.
struct DVCQGAnswer {
    let status: Int
    let code: String?
    let accepted: Bool
    let rejection: String?
    let body: [UInt8]

    var response: Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    static func ok(_ object: [String: Any]) -> DVCQGAnswer {
        DVCQGAnswer(status: 200, code: object["error_code"] as? String, accepted: true, rejection: nil, body: json(object))
    }

    static func refused(code: String, message: String) -> DVCQGAnswer {
        DVCQGAnswer(status: 200, code: code, accepted: false, rejection: message, body: json(["error_code": code, "message": message]))
    }

    static func violation(_ violation: MockContractViolation) -> DVCQGAnswer {
        DVCQGAnswer(status: 400, code: "-1", accepted: false, rejection: violation.description,
                    body: json(["error_code": "-1", "message": "Dữ liệu không hợp lệ: \(violation.description)"]))
    }
}

/// What the mock remembers: sessions, dossiers and progress rows.
actor DVCQGState {
    private let username: String
    private let password: String
    private var sessions: Set<String> = []
    private var dossiers: [String: Data] = [:]
    private(set) var progressRows = 0

    init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    func login(username: String, password: String) -> String? {
        guard username == self.username, password == self.password else { return nil }
        let session = UUID().uuidString
        sessions.insert(session)
        return session
    }

    func isValid(session: String) -> Bool { sessions.contains(session) }
    func expireSessions() { sessions.removeAll() }
    func knows(_ code: String) -> Bool { dossiers[code] != nil }
    func store(_ code: String, _ row: Data) { dossiers[code] = row }
    func dossier(_ code: String) -> Data? { dossiers[code] }
    func addProgress(_ count: Int) { progressRows += count }
}

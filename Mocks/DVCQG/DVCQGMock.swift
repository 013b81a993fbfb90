import Foundation
import Hummingbird
import MockSupport

/// A mock National Public Service Portal that enforces `Contracts/dvcqg/openapi.json`, in both
/// deployment styles. Direct: login (sessions lapse after ten minutes), the `dstcode` header,
/// integration (`DongBoHoSoMC`, `CapNhatTienDoHoSoMC`, and the reads `TraCuuHoSo`, `LayThuTuc`)
/// and sharing (catalogue calls only). Through the LGSP: one URL per operation, bare arrays of
/// rows, progress answered in plain text.
package struct DVCQGMock: Sendable {
    package struct Paths: Sendable {
        package var login = "/api/dvcqg/login"
        package var integration = "/api/dvcqg/integration"
        package var sharing = "/api/dvcqg/sharing"
        package var lgspInsert = "/lgsp/dvcqg/hoso/themmoi"
        package var lgspUpdate = "/lgsp/dvcqg/hoso/capnhat"
        package var lgspProgress = "/lgsp/dvcqg/tiendo"
        package init() {}
    }

    package let control: MockControl
    let state: DVCQGState
    let paths: Paths
    /// The destination code every direct call must carry as `dstcode`.
    let dstcode: String

    package init(username: String = DVCQGMock.devUsername, password: String = DVCQGMock.devPassword, dstcode: String = DVCQGMock.devDestination, sessionLifetime: Duration = .seconds(600), paths: Paths = Paths()) {
        let state = DVCQGState(username: username, password: password, sessionLifetime: sessionLifetime)
        self.state = state
        self.paths = paths
        self.dstcode = dstcode
        self.control = MockControl(expireSessions: { await state.expireSessions() })
    }

    package var server: MockServer {
        let router = Router()
        control.register(on: router)
        router.post(RouterPath(paths.login)) { request, _ in await handle(request, kind: .login) }
        router.post(RouterPath(paths.integration)) { request, _ in await handle(request, kind: .integration) }
        router.post(RouterPath(paths.sharing)) { request, _ in await handle(request, kind: .sharing) }
        router.post(RouterPath(paths.lgspInsert)) { request, _ in await lgsp(request, operation: "DongBoHoSoMC", isUpdating: false) }
        router.post(RouterPath(paths.lgspUpdate)) { request, _ in await lgsp(request, operation: "DongBoHoSoMC", isUpdating: true) }
        router.post(RouterPath(paths.lgspProgress)) { request, _ in await lgsp(request, operation: "CapNhatTienDoHoSoMC", isUpdating: nil) }
        return MockServer(name: Self.name, router: router)
    }

    enum Kind { case login, integration, sharing }

    private func handle(_ request: Request, kind: Kind) async -> Response {
        await control.serve(request, operation: { body in
            kind == .login ? "login" : ((try? body.get())?["service"] as? String) ?? "unknown"
        }, describe: { request in
            guard case .success(let body) = request.body, let rows = body["data"] as? [[String: Any]] else { return }
            request.dossiers = rows.compactMap { $0["MaHoSo"] as? String }
            if request.operation == "DongBoHoSoMC" { request.statuses = rows.compactMap { $0["TrangThaiHoSo"] as? String } }
        }) { request in
            guard request.header("dstcode") == dstcode else {
                return DVCQGAnswer.violation(MockContractViolation("header dstcode must be the destination code \(dstcode)"))
            }
            switch request.body {
            case .failure(let violation):
                return DVCQGAnswer.violation(violation)
            case .success(let body):
                switch kind {
                case .login: return await login(body)
                case .integration: return await integration(body, operation: request.operation, text: request.text)
                case .sharing: return await sharing(body, operation: request.operation)
                }
            }
        }
    }

    /// The LGSP style: the body is a bare JSON array of rows; `MaDinhDanhDV` and `isUpdating`
    /// may come in the query string (an `isUpdating` there must agree with the URL).
    private func lgsp(_ request: Request, operation: String, isUpdating: Bool?) async -> Response {
        let query = request.uri.queryParameters
        let buffer = (try? await request.body.collect(upTo: 16 << 20)) ?? ByteBuffer()
        let rows = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [[String: Any]]
        let forwarded = Request(head: request.head, body: .init(buffer: ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: ["rows": rows ?? []]))))
        return await control.serve(forwarded, operation: { _ in operation }, describe: { request in
            request.dossiers = (rows ?? []).compactMap { $0["MaHoSo"] as? String }
            if operation == "DongBoHoSoMC" { request.statuses = (rows ?? []).compactMap { $0["TrangThaiHoSo"] as? String } }
        }) { _ in
            do {
                guard let rows else { throw MockContractViolation("the body must be a bare JSON array of rows") }
                if let flag = query["isUpdating"].map(String.init) {
                    guard try DVCQGContract.isUpdating(flag) == isUpdating else { throw MockContractViolation("query isUpdating \(flag) disagrees with the URL") }
                }
                if let isUpdating {
                    let checked = try DVCQGContract.dossierRows(try DVCQGContract.rows(rows, "body"))
                    return try await sync(checked, isUpdating: isUpdating, carriedBy: String(buffer: buffer), under: nil)
                }
                let checked = try DVCQGContract.progressRows(try DVCQGContract.rows(rows, "body"))
                for row in checked where !(await state.knows(row["MaHoSo"] as! String)) {
                    return DVCQGAnswer.refused(code: "-4", message: "Không tìm thấy hồ sơ \(row["MaHoSo"] as! String)")
                }
                await state.addProgress(checked.count)
                return MockAnswer(status: 200, code: nil, accepted: true, rejection: nil, body: Array("Cập nhật tiến độ thành công".utf8))
            } catch let violation as MockContractViolation {
                return DVCQGAnswer.violation(violation)
            } catch {
                return DVCQGAnswer.violation(MockContractViolation("\(error)"))
            }
        }
    }

    /// Stores the rows of a dossier sync; an insert of a known dossier answers "đã tồn tại".
    /// `text` is the request body that carried `rows`, under the member `member` (nil: the body is the rows).
    private func sync(_ rows: [[String: Any]], isUpdating: Bool, carriedBy text: String, under member: String?) async throws -> MockAnswer {
        for row in rows {
            let code = row["MaHoSo"] as! String
            if !isUpdating, await state.knows(code) {
                return DVCQGAnswer.refused(code: "-3", message: "Hồ sơ \(code) đã tồn tại trên hệ thống")
            }
        }
        for (index, row) in rows.enumerated() {
            await state.store(row["MaHoSo"] as! String, StoredRow(requestText: text, member: member, index: index))
        }
        return DVCQGAnswer.applied
    }

    private func login(_ body: [String: Any]) async -> MockAnswer {
        guard let username = body["username"] as? String, let password = body["password"] as? String else {
            return DVCQGAnswer.violation(MockContractViolation("login needs string fields username and password"))
        }
        guard let session = await state.login(username: username, password: password) else {
            return DVCQGAnswer.refused(code: "-1", message: "Tên đăng nhập hoặc mật khẩu không đúng")
        }
        return DVCQGAnswer.ok(["error_code": "0", "message": "Đăng nhập thành công", "session": session])
    }

    private func integration(_ body: [String: Any], operation: String, text: String) async -> MockAnswer {
        do {
            let session = try MockContract.string(body, "session")
            _ = try MockContract.string(body, "madonvi")
            guard await state.isValid(session: session) else {
                return DVCQGAnswer.refused(code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn")
            }
            switch operation {
            case "DongBoHoSoMC":
                let (isUpdating, rows) = try DVCQGContract.dossierSync(body)
                return try await sync(rows, isUpdating: isUpdating, carriedBy: text, under: "data")
            case "CapNhatTienDoHoSoMC":
                let rows = try DVCQGContract.progress(body)
                for row in rows where !(await state.knows(row["MaHoSo"] as! String)) {
                    return DVCQGAnswer.refused(code: "-4", message: "Không tìm thấy hồ sơ \(row["MaHoSo"] as! String)")
                }
                await state.addProgress(rows.count)
                return DVCQGAnswer.applied
            case "TraCuuHoSo":
                let code = try MockContract.string(body, "mahoso")
                let found = await state.dossier(code).flatMap { try? JSONSerialization.jsonObject(with: $0) }.map { [$0] } ?? []
                return DVCQGAnswer.ok(["error_code": "0", "result": found])
            case "LayThuTuc":
                let code = try MockContract.string(body, "maTTHC")
                return DVCQGAnswer.ok(["error_code": "0", "result": [["MaTTHC": code, "TenTTHC": "Thủ tục \(code)"]]])
            default:
                throw MockContractViolation("service must be DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo or LayThuTuc, got \(operation)")
            }
        } catch let violation as MockContractViolation {
            return DVCQGAnswer.violation(violation)
        } catch {
            return DVCQGAnswer.violation(MockContractViolation("\(error)"))
        }
    }

    private func sharing(_ body: [String: Any], operation: String) async -> MockAnswer {
        do {
            let session = try MockContract.string(body, "session")
            guard await state.isValid(session: session) else {
                return DVCQGAnswer.refused(code: "-2", message: "Phiên làm việc không hợp lệ hoặc đã hết hạn")
            }
            switch operation {
            case "LayDanhMucCoQuan", "LayDanhMucLinhVuc", "LayDanhSachTTHC", "TraCuuTechID":
                return DVCQGAnswer.ok(["error_code": "0", "result": [[String: Any]]()])
            default:
                throw MockContractViolation("the sharing endpoint carries catalogue calls only (LayDanhMucCoQuan, LayDanhMucLinhVuc, LayDanhSachTTHC, TraCuuTechID), got \(operation); reads go to integration")
            }
        } catch let violation as MockContractViolation {
            return DVCQGAnswer.violation(violation)
        } catch {
            return DVCQGAnswer.violation(MockContractViolation("\(error)"))
        }
    }
}

/// DVCQG's answers: `error_code` "0" when applied, a negative code and a Vietnamese message when not.
enum DVCQGAnswer {
    /// A sync or progress applied: the same every time, so written once.
    static let applied = ok(["error_code": "0", "message": "Thành công"])

    static func ok(_ object: [String: Any]) -> MockAnswer {
        .json(object, code: object["error_code"] as? String, accepted: true)
    }

    static func refused(code: String, message: String) -> MockAnswer {
        .json(["error_code": code, "message": message], code: code, accepted: false, rejection: message)
    }

    static func violation(_ violation: MockContractViolation) -> MockAnswer {
        .json(["error_code": "-1", "message": "Dữ liệu không hợp lệ: \(violation.description)"], status: 400, code: "-1", accepted: false, rejection: violation.description)
    }
}

extension DVCQGMock: MockSystem {
    package static let name = "dvcqg"
    package static let defaultPort = 18_081
    package static let devUsername = "gateway"
    package static let devPassword = "dev-password"
    package static let devDestination = "G22.99.DVCQG"
    package static var devSecrets: [String: String] { ["DVCQG_PASSWORD": devPassword] }

    /// The direct style; `style` `lgsp` reaches the same mock through its LGSP paths.
    package static func connection(baseURL: String) -> [String: String] {
        ["baseURL": baseURL, "username": devUsername, "dstcode": devDestination]
    }

    package init() { self.init(username: Self.devUsername, password: Self.devPassword, dstcode: Self.devDestination, paths: Paths()) }
}

import AsyncHTTPClient
import Foundation
import Hummingbird
import MockSupport
import NIOCore
import NIOHTTP1

/// VBDLIS calling the province back, as a land dossier moves on: `ChuyenHoSo` once it is
/// handed over, `NhanBoSungHoSo` once a supplement is recorded, `KetThucHoSo` once its result
/// is returned. Each call is sent again until it is answered `Result: 1` (ten tries), as a
/// caller whose answer was lost would. Off until `POST /_control/callbacks {url, securityCode}`.
actor VBDLISCallbackSender {
    struct Target: Sendable, Codable {
        var url: String
        var securityCode: String
    }

    private var target: Target?
    private(set) var answered: [String: Int] = [:]
    private(set) var attempts = 0
    private(set) var scheduled = 0

    func configure(_ target: Target) { self.target = target }

    /// Calls `call` for `receipt` a moment later, off the request that caused it.
    nonisolated func schedule(_ call: String, receipt: String, body extra: [String: String] = [:]) {
        Task {
            guard let target = await self.target else { return }
            await self.count()
            try? await Task.sleep(for: .milliseconds(150))
            var body = extra
            body["SoBienNhan"] = receipt
            await self.send(call, body: body, to: target)
        }
    }

    private func count() { scheduled += 1 }

    private func send(_ call: String, body: [String: String], to target: Target) async {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        for _ in 0..<10 {
            attempts += 1
            var request = HTTPClientRequest(url: "\(target.url)/\(call)/\(target.securityCode)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
               let answer = try? await response.body.collect(upTo: 1 << 16),
               let object = try? JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any],
               object["Result"] as? Int == 1 {
                answered[call, default: 0] += 1
                return
            }
            try? await Task.sleep(for: .milliseconds(300))
        }
    }
}

extension VBDLISMock {
    func registerCallbackControl(on router: Router<BasicRequestContext>) {
        let group = router.group("_control/callbacks")
        group.post { request, _ in
            let body = try await request.body.collect(upTo: 1 << 12)
            guard let target = try? JSONDecoder().decode(VBDLISCallbackSender.Target.self, from: Data(buffer: body)) else {
                return MockJSON.response(["error": "callbacks are {url, securityCode}"], status: .badRequest)
            }
            await callbacks.configure(target)
            return Response(status: .noContent)
        }
        group.get { _, _ in
            MockJSON.response(["answered": await callbacks.answered, "attempts": await callbacks.attempts, "scheduled": await callbacks.scheduled])
        }
    }
}

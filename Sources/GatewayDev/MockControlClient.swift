import Foundation
import GatewayHTTP
import GatewayModel

/// Calls to a mock's control API (`/_control/…`), for the in-process and the process stacks alike.
enum MockControlClient {
    /// Sends `request` on a client of its own, taking answers up to 512 MiB (a long run's journal).
    static func send(_ request: OutboundRequest) async throws -> InboundResponse {
        let http = AsyncHTTPTransport(connectionsPerHost: 1, maxBodyBytes: 512 << 20)
        do {
            let response = try await http.send(request)
            try await http.shutdown()
            return response
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// `method` on `/_control/<route>` of the mock at `baseURL`, with a JSON body when given: the
    /// answer as a JSON object, or an error naming the route unless it is taken.
    static func json(_ baseURL: String, _ route: String, method: String = "POST", body: [String: Any]? = nil) async throws -> [String: Any] {
        let response = try await send(OutboundRequest(
            method: method, url: baseURL + "/_control/" + route, headers: [("Content-Type", "application/json")],
            body: try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        ))
        guard (200..<300).contains(response.status) else {
            throw ProcessStackError("\(baseURL) refused /_control/\(route): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }
}

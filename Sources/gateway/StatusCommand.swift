import ArgumentParser
import Foundation
import GatewayHTTP
import GatewayModel
import GatewayRuntime

/// `gateway status`: what a running gateway's admin listener says of it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running gateway's state per national system and partition; exits 1 when it is not ready.",
        discussion: "The admin token, when the listener needs one, is read from GATEWAY_ADMIN_TOKEN or --token-file."
    )

    @Option(help: "The gateway's admin listener.") var adminURL = "http://127.0.0.1:9464"
    @Option(help: "A file holding the admin token.") var tokenFile: String?
    @Flag(help: "JSON instead of tables.") var json = false

    func run() async throws {
        var headers: [(name: String, value: String)] = []
        if let token = try token() { headers.append(("Authorization", "Bearer \(token)")) }
        let transport = AsyncHTTPTransport(connectionsPerHost: 1)
        let response: InboundResponse
        do {
            response = try await transport.send(OutboundRequest(method: "GET", url: adminURL.trimmingCharacters(in: ["/"]) + "/status", headers: headers, timeout: .seconds(10)))
        } catch {
            try? await transport.shutdown()
            FileHandle.standardError.write(Data("no gateway answers at \(adminURL): \(error)\n".utf8))
            throw ExitCode.failure
        }
        try? await transport.shutdown()
        guard response.status == 200, let status = try? JSONDecoder().decode(GatewayStatus.self, from: Data(response.body)) else {
            FileHandle.standardError.write(Data("\(adminURL)/status answered \(response.status)\(response.status == 401 ? ": give the admin token" : "")\n".utf8))
            throw ExitCode.failure
        }
        if json {
            print(String(decoding: response.body, as: UTF8.self))
        } else {
            print("\(status.ready ? "ready" : "NOT READY: " + status.reasons.joined(separator: "; ")) (gateway \(status.version), \(status.at))")
            print("events consumed \(status.eventsConsumed), invalid \(status.eventsInvalid)\n")
            DLQCommand.printTable(
                ["TARGET", "BREAKER", "CRITICAL", "IN FLIGHT", "QUEUED", "CALLS/S", "LAST ERROR", "PARKED"],
                status.targets.map { target -> [String] in
                    let error = target.lastErrorClass.map { "\($0) at \(target.lastErrorAt ?? "-")" } ?? "-"
                    return [
                        target.name, target.breaker, target.critical ? "yes" : "no", String(target.inFlight), String(target.queued),
                        String(format: "%.1f", target.callsPerSecond), error, String(target.parkedDossiers),
                    ]
                }
            )
            print("")
            DLQCommand.printTable(
                ["PARTITION", "COMMITTED", "HIGH WATERMARK", "LAG", "PAUSED"],
                status.partitions.map { ["\($0.topic)[\($0.partition)]", $0.committed.map(String.init) ?? "-", $0.highWatermark.map(String.init) ?? "-", $0.lag.map(String.init) ?? "-", $0.paused ? "yes" : "no"] }
            )
        }
        if !status.ready { throw ExitCode.failure }
    }

    private func token() throws -> String? {
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else { throw ValidationError("--token-file \(tokenFile) cannot be read") }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.environment["GATEWAY_ADMIN_TOKEN"]
    }
}

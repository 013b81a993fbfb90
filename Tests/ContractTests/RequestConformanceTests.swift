import Foundation
import GatewayCore
import GatewayDev
import GatewayHTTP
import GatewayModel
import GatewayRuntime
import Logging
import Testing

/// Contract test 1: for every example event, every request every adapter builds validates
/// against its system's OpenAPI document (checked by `scripts/check-requests.py` with the
/// JSON Schema validator). A request that drifts from the contract fails the check, and the
/// system's mock refuses it too.
@Suite struct RequestConformanceTests {
    struct CapturedRequest: Codable {
        var system: String
        var path: String
        var body: JSONValue
        var contentType: String = "application/json"
    }

    /// Every non-sign-in request the adapters send for the example events, configured as the
    /// mocks' connections say, with `overrides` laid over them.
    static func capture(overrides: [String: String] = [:]) async throws -> [CapturedRequest] {
        var captured: [CapturedRequest] = []
        let bases = ContractFixtures.baseURLs
        for (_, event) in try ContractFixtures.exampleEvents() {
            for system in AdapterRegistry.systems {
                let transport = ScriptedTransport()
                let adapter = try ContractFixtures.adapter(system, transport: transport, overrides: overrides)
                for operation in system.operations {
                    _ = try await adapter.perform(operation, for: event, idempotencyKey: "\(event.id)/\(system.target)/\(operation)")
                }
                let base = try #require(bases[system.target.rawValue])
                for request in transport.requests where !ScriptedTransport.isSignIn(request) {
                    let path = String(request.url.dropFirst(base.count).prefix { $0 != "?" })
                    let contentType = request.headers.first { $0.name == "Content-Type" }?.value ?? "application/json"
                    let text = String(decoding: request.body ?? [], as: UTF8.self)
                    let body: JSONValue
                    if contentType == "application/x-www-form-urlencoded" {
                        body = .object(Dictionary(text.split(separator: "&").map { pair in
                            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                            return (parts[0], JSONValue.string(parts.count > 1 ? parts[1] : ""))
                        }) { $1 })
                    } else {
                        body = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                    }
                    captured.append(CapturedRequest(system: system.target.rawValue, path: path, body: body, contentType: contentType))
                }
            }
        }
        return captured
    }

    /// The other styles a deployment can choose: DVCQG through the LGSP (with its query
    /// parameters), EMC's form variant, ILIS's paths.
    static let alternativeStyles = [
        "GATEWAY__targets__dvcqg__connection__style": "lgsp",
        "GATEWAY__targets__dvcqg__connection__lgsp__queryParameters": #"["MaDinhDanhDV","isUpdating"]"#,
        "GATEWAY__targets__emc__connection__format": "form",
        "GATEWAY__targets__vbdlis__connection__profile": "ilis",
    ]

    @Test func everyRequestInTheAlternativeStylesConformsToItsContract() async throws {
        let requests = try await Self.capture(overrides: Self.alternativeStyles)
        #expect(requests.contains { $0.system == "dvcqg" && $0.path.hasPrefix("/lgsp/") })
        #expect(requests.contains { $0.system == "emc" && $0.contentType == "application/x-www-form-urlencoded" })
        #expect(requests.contains { $0.system == "vbdlis" && $0.path == "/TiepNhanHoSo" })
        let (status, report) = try Self.check(requests)
        print(report.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(status == 0, "\(report)")
    }

    /// Runs the schema check over `requests`; returns its exit status and report.
    static func check(_ requests: [CapturedRequest]) throws -> (status: Int32, report: String) {
        try ContractCheck.run(requests)
    }

    @Test func everyRequestForEveryExampleEventConformsToItsContract() async throws {
        let requests = try await Self.capture()
        let systems = Set(requests.map(\.system))
        #expect(systems == Set(AdapterRegistry.systems.map { $0.target.rawValue }), "every system was called")
        let (status, report) = try Self.check(requests)
        print(report.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(status == 0, "\(report)")
        #expect(report.contains("documents: \(requests.count) checked"))
    }

    @Test(arguments: [
        ("emc", "Status", JSONValue.number(1)),
        ("emc", "SiteId", JSONValue.string("9201")),
        ("vbdlis", "TinhId", JSONValue.string("92")),
        ("vbdlis", "NgayTiepNhan", JSONValue.string("11/07/2025 09:00:00")),
        ("emc", "User", JSONValue.object(["ID_local": .string("x")])),
        ("hotich", "ngayTiepNhan", JSONValue.string("2025-07-11 08:30:00")),
        ("hotich", "data", JSONValue.object(["hoTich": .object([:])])),
        ("hotich", "data", JSONValue.string(#"{"hoTich":{"hoTen":"x"}}"#)),
        ("hotich", "module", JSONValue.string("KS")),
        ("dvcqg", "madonvi", JSONValue.number(12)),
    ])
    func aDriftedRequestFailsTheContractCheckAndTheMockRefusesIt(system: String, field: String, drifted: JSONValue) async throws {
        let requests = try await Self.capture()
        var request = try #require(requests.first { request in
            guard request.system == system, case .object(let body) = request.body else { return false }
            return body[field] != nil
        })
        guard case .object(var body) = request.body else { Issue.record("not an object"); return }
        body[field] = drifted
        request.body = .object(body)
        let (status, report) = try Self.check([request])
        #expect(status == 1, "the schema check catches \(system).\(field): \(report)")

        let mocks = try await MockSystems.start(logger: Logger(label: "drift"))
        let transport = AsyncHTTPTransport(connectionsPerHost: 1)
        // The mock's address, with the path its connection's baseURL adds (`/api/vbdlis`).
        let basePath = try #require(ContractFixtures.baseURLs[system].flatMap { URL(string: $0)?.path })
        let base = try #require(mocks.urls[TargetName(system)]) + basePath
        var headers = [("Content-Type", "application/json")]
        switch system {
        case "dvcqg":
            if case .string(let destination)? = try ContractFixtures.connection(try #require(AdapterRegistry.system(named: "dvcqg")))["dstcode"] {
                headers.append(("dstcode", destination))
            }
            let login = try await transport.send(OutboundRequest(url: base + "/api/dvcqg/login", headers: headers, body: Array(#"{"username":"gateway","password":"dev-password"}"#.utf8)))
            body["session"] = .string(try #require(AnswerReading.text("session", in: login.body)))
        default:
            break
        }
        let answer = try await transport.send(OutboundRequest(url: base + request.path, headers: headers, body: Array(try JSONEncoder().encode(JSONValue.object(body)))))
        try await transport.shutdown()
        mocks.shutdown()
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(answer.status == 400 && text.contains(field), "the \(system) mock refuses it for \(field): \(answer.status) \(text)")
    }
}

/// `scripts/check-documents.py` over a set of documents.
enum ContractCheck {
    static func run(_ documents: [some Encodable]) throws -> (status: Int32, report: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("requests-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let encoder = JSONEncoder()
        let lines = try documents.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n")
        try Data(lines.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", ContractFixtures.repository.appendingPathComponent("scripts/check-documents.py").path, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, report)
    }
}

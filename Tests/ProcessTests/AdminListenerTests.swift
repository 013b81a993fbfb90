import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import MockSupport
import SampleTraffic
import Testing

/// The admin listener of a real `gateway run`: probes, metrics, status JSON and page, the
/// token, and `gateway status`.
@Suite(.serialized) struct AdminListenerTests {
    func get(_ url: String, token: String? = nil) async throws -> InboundResponse {
        let http = AsyncHTTPTransport(connectionsPerHost: 1)
        defer { Task { try? await http.shutdown() } }
        return try await http.send(OutboundRequest(method: "GET", url: url, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], timeout: .seconds(10)))
    }

    func adminURL(of gateway: GatewayProcess) async throws -> String {
        let end = ContinuousClock.now + .seconds(60)
        while gateway.adminPort == nil, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        return "http://127.0.0.1:\(try #require(gateway.adminPort, "the admin listener says where it listens"))"
    }

    func status(_ harness: ProcessHarness, _ url: String, token: String? = nil) throws -> ProgramRun {
        try ProgramRun.run(ProcessHarness.testBinary, ["status", "--admin-url", url, "--json"], environment: token.map { ["GATEWAY_ADMIN_TOKEN": $0] } ?? [:])
    }

    /// Polls `/health/ready` until it answers `status`, for at most a minute.
    @discardableResult
    func waitForReadiness(_ url: String, _ status: Int) async throws -> InboundResponse {
        let end = ContinuousClock.now + .seconds(60)
        var response = try await get(url + "/health/ready")
        while Int(response.status) != status, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(200))
            response = try await get(url + "/health/ready")
        }
        #expect(Int(response.status) == status, "readiness: \(String(decoding: response.body, as: UTF8.self))")
        return response
    }

    /// The sum of `metric` over the lines of `target` (and `filter`) in a Prometheus exposition.
    static func sum(_ exposition: String, _ metric: String, target: String, where filter: String = "") -> Int {
        exposition.split(separator: "\n")
            .filter { $0.hasPrefix(metric + "{") && $0.contains(#"target="\#(target)""#) && (filter.isEmpty || $0.contains(filter)) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    @Test func probesMetricsAndStatusShowARunningGateway() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let events = SampleTraffic(seed: 12).events(count: 40)
        let gateway = try harness.startGateway(group: "admin", name: "admin", overrides: ["GATEWAY__admin__criticalTargets": #"["dvcqg"]"#])
        let url = try await adminURL(of: gateway)
        #expect(try await get(url + "/health/live").status == 200)
        try await gateway.waitUntilJoined()
        // One expired session: the gateway signs in again, and counts it.
        try await harness.fault(on: "dvcqg", FaultPlan(status: 401, body: #"{"error_code":"401","message":"Phiên làm việc đã hết hạn"}"#, count: 1, operation: "DongBoHoSoMC"))
        let producer = try harness.producer()
        try await harness.produce(events, with: producer)
        await producer.shutdown()
        _ = try await harness.results(covering: DeliveryGuaranteeTests.expectedOutcomes(events), timeout: .seconds(120))

        let ready = try await get(url + "/health/ready")
        #expect(ready.status == 200, "\(String(decoding: ready.body, as: UTF8.self))")

        let metrics = String(decoding: try await get(url + "/metrics").body, as: UTF8.self)
        for name in ["gateway_events_consumed_total 40", "gateway_deliveries_total{", "gateway_http_call_duration_seconds_bucket{", "gateway_target_breaker_state{",
                     "gateway_consumer_lag_records{", "gateway_partitions_paused", "gateway_parked_dossiers{", "gateway_build_info{version=\"", "gateway_http_calls_in_flight{"] {
            #expect(metrics.contains(name), "/metrics has \(name)")
        }
        #expect(metrics.contains(#"outcome="delivered""#) && metrics.contains(#"target="dvcqg""#))
        #expect(metrics.contains(#"gateway_reauthentications_total{target="dvcqg"} 1"#), "one re-authentication counted")
        // The counters agree with what the mocks saw.
        for target in ["dvcqg", "emc"] {
            let journal = try await harness.journal(of: target)
            let delivered = Self.sum(metrics, "gateway_deliveries_total", target: target, where: #"outcome="delivered""#)
            let events = Set(journal.filter { $0.accepted && !$0.absorbed }.compactMap { $0.idempotencyKey?.split(separator: "/").prefix(2).joined(separator: "/") })
            #expect(delivered == events.count, "\(target): delivered counter \(delivered), events the mock applied \(events.count)")
            #expect(Self.sum(metrics, "gateway_http_call_duration_seconds_count", target: target) == journal.count, "\(target): one timed call per request the mock saw")
        }

        let run = try status(harness, url)
        #expect(run.status == 0, "\(run.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(json["ready"] as? Bool == true && json["eventsConsumed"] as? Int == 40)
        let targets = try #require(json["targets"] as? [[String: Any]])
        #expect(Set(targets.compactMap { $0["name"] as? String }) == ["dvcqg", "bca", "vbdlis", "hotich", "emc"])
        #expect(targets.first { $0["name"] as? String == "dvcqg" }?["critical"] as? Bool == true)
        let partitions = try #require(json["partitions"] as? [[String: Any]])
        #expect(partitions.count == 2 && partitions.allSatisfy { $0["lag"] as? Int == 0 }, "everything committed: \(partitions)")
        let table = try ProgramRun.run(ProcessHarness.testBinary, ["status", "--admin-url", url])
        #expect(table.status == 0 && table.output.hasPrefix("ready") && table.output.contains("BREAKER") && table.output.contains("dossier.events[1]"), "\(table.output)")

        let page = String(decoding: try await get(url + "/").body, as: UTF8.self)
        #expect(page.contains("Hệ thống quốc gia") && page.contains("http-equiv=\"refresh\"") && page.contains("DVCQG") && !page.contains("<script"))
        #expect(String(decoding: try await get(url + "/?lang=en").body, as: UTF8.self).contains("National systems"))

        // A critical system that stops answering makes the gateway not ready.
        try await harness.fault(on: "dvcqg", FaultPlan(status: 503, count: 1_000))
        let producer2 = try harness.producer()
        try await harness.produce(SampleTraffic(seed: 13).events(count: 20), with: producer2)
        await producer2.shutdown()
        let end = ContinuousClock.now + .seconds(60)
        var notReady = try await get(url + "/health/ready")
        while notReady.status == 200, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(200))
            notReady = try await get(url + "/health/ready")
        }
        #expect(notReady.status == 503 && String(decoding: notReady.body, as: UTF8.self).contains("critical target dvcqg is paused"))
        #expect(try status(harness, url).status == 1, "gateway status exits 1 when not ready")
        try await harness.clearFaults(on: "dvcqg")
        try await waitForReadiness(url, 200)
        // The deliveries held through the outage end, their failed attempts counted as retries.
        let retried = ContinuousClock.now + .seconds(60)
        var scraped = ""
        repeat {
            try await Task.sleep(for: .milliseconds(300))
            scraped = String(decoding: try await get(url + "/metrics").body, as: UTF8.self)
        } while Self.sum(scraped, "gateway_delivery_retries_total", target: "dvcqg") == 0 && ContinuousClock.now < retried
        #expect(Self.sum(scraped, "gateway_delivery_retries_total", target: "dvcqg") > 0, "retries through the outage are counted")

        // A broker that goes away makes it not ready too, and back.
        harness.pauseBroker()
        let gone = try await waitForReadiness(url, 503)
        harness.resumeBroker()
        #expect(String(decoding: gone.body, as: UTF8.self).contains("broker does not answer"))
        try await waitForReadiness(url, 200)
        #expect(await gateway.terminate() == 0)
    }

    @Test func aTokenGuardsEverythingButTheProbes() async throws {
        let harness = try ProcessHarness(partitions: 1)
        let gateway = try harness.startGateway(group: "admin-token", name: "admin-token", overrides: [
            "GATEWAY__admin__token": #"{"env": "ADMIN_TOKEN"}"#, "ADMIN_TOKEN": "s3cret-admin-token",
        ])
        let url = try await adminURL(of: gateway)
        try await gateway.waitUntilJoined()
        #expect(try await get(url + "/health/live").status == 200)
        #expect(try await get(url + "/health/ready").status == 200)
        for path in ["/status", "/metrics", "/"] {
            #expect(try await get(url + path).status == 401, "\(path) needs the token")
            #expect(try await get(url + path, token: "wrong").status == 401)
            #expect(try await get(url + path, token: "s3cret-admin-token").status == 200)
        }
        #expect(try status(harness, url).status == 1, "without the token")
        #expect(try status(harness, url, token: "s3cret-admin-token").status == 0)
        #expect(!gateway.logText.contains("s3cret-admin-token"), "the token never reaches the log")
        #expect(await gateway.terminate() == 0)
    }
}

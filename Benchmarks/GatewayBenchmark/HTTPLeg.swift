import AdapterSupport
import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayDev
import GatewayHTTP
import GatewayModel
import GatewayRuntime
import Logging
import NIOCore
import NIOHTTP1
import SampleTraffic
import Synchronization

/// The HTTP leg alone: the requests the gateway's adapters build for the sample events, posted
/// by a bare async-http-client to the same mocks, at the gateway's concurrency, without Kafka.
enum HTTPLeg {
    /// Requests recorded per target while the adapters deliver `count` events, each dossier in order.
    static func capture(_ count: Int, targets: [String], on stack: ProcessStack) async throws -> [String: [OutboundRequest]] {
        var overrides: [String: String] = [:]
        let known = AdapterRegistry.systems.map { system in system.target.rawValue }
        for target in known where !targets.contains(target) {
            overrides["GATEWAY__targets__\(target)__enabled"] = "false"
        }
        let environment = stack.gatewayEnvironment(group: "bench-http", overrides: overrides)
        let configuration = try GatewayConfiguration.load(path: nil, environment: environment)
        let transport = AsyncHTTPTransport()
        let recorder = RecordingTransport(transport)
        var adapters: [TargetName: any TargetAdapter] = [:]
        for name in targets {
            guard let system = AdapterRegistry.system(named: name), let settings = configuration.targets[name] else { continue }
            let table = try ClassificationTable.load(from: stack.contractsDirectory + "/\(name)/classification.json")
            let context = AdapterContext(transport: recorder, classification: table, environment: environment, logger: Scenarios.logger)
            adapters[TargetName(name)] = try system.makeAdapter(connection: settings.connection, context: context)
        }
        let ready = adapters
        let router = try Router(rules: configuration.routes.filter { adapters[$0.target] != nil }, adapters: Array(adapters.values))
        let byDossier = Dictionary(grouping: SampleTraffic(seed: 42).events(count: count), by: \.dossierCode)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for events in byDossier.values {
                if running == 64 {
                    try await group.next()
                    running -= 1
                }
                running += 1
                group.addTask {
                    for event in events {
                        for route in router.routes(for: event) {
                            for operation in route.operations {
                                _ = try await ready[route.target]!.perform(operation, for: event, idempotencyKey: "\(event.id)/\(route.target)/\(operation)")
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await transport.shutdown()
        return recorder.recorded
    }

    /// Posts `calls` requests, cycling through each target's recording, with at most
    /// `concurrency` calls in flight per target (the gateway's `maxInFlight`).
    static func replay(_ recorded: [String: [OutboundRequest]], calls: Int, concurrency: Int) async throws -> [String: Double] {
        let client = bareClient(connectionsPerHost: concurrency)
        let total = recorded.values.reduce(0) { $0 + $1.count }
        let cpuBefore = ProcessCPU.seconds()
        let started = ContinuousClock.now
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for requests in recorded.values where !requests.isEmpty {
                let share = calls * requests.count / max(1, total)
                let client = client
                for worker in 0..<concurrency {
                    group.addTask {
                        var index = worker, failures = 0
                        while index < share {
                            let request = requests[index % requests.count]
                            let response = try await client.execute(HTTPClientRequest(request), timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 4 << 20)
                            if response.status.code >= 500 { failures += 1 }
                            index += concurrency
                        }
                        return failures
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let seconds = started.duration(to: .now).seconds
        let cpu = ProcessCPU.seconds() - cpuBefore
        try await client.shutdown()
        print("  bare HTTP: \(calls) calls in \(String(format: "%.2f", seconds)) s, \(concurrency) in flight per target")
        return [
            "calls_per_second": Double(calls) / seconds,
            "cpu_ms_per_call": cpu * 1_000 / Double(calls),
            "server_errors": Double(failures),
            "concurrency_per_target": Double(concurrency),
        ]
    }
}

extension HTTPLeg {
    /// A client set up as the gateway's transport is: HTTP/1.1 only, redirects not followed, no tracer.
    static func bareClient(connectionsPerHost: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.httpVersion = .http1Only
        configuration.redirectConfiguration = .disallow
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// A transport that keeps a copy of every request it sends.
final class RecordingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let requests = Mutex<[String: [OutboundRequest]]>([:])

    init(_ base: any HTTPTransport) { self.base = base }

    var recorded: [String: [OutboundRequest]] { requests.withLock { $0 } }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        let host = URLComponents(string: request.url)?.port.map(String.init) ?? request.url
        requests.withLock { $0[host, default: []].append(request) }
        return try await base.send(request)
    }
}

/// CPU time this process has used, user and system.
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}

extension HTTPLeg {
    /// The bare round trip: `requests` posted one by one at `rate` a second for `seconds`, each
    /// on its own task, timed from send to the whole answer; p50, p99 and max in milliseconds.
    static func roundTrips(_ requests: [OutboundRequest], rate: Int, seconds: Int) async throws -> (p50: Double, p99: Double, max: Double) {
        let client = bareClient(connectionsPerHost: 64)
        let clock = ContinuousClock()
        let begin = clock.now
        let times = try await withThrowingTaskGroup(of: Double.self) { group in
            for index in 0..<(rate * seconds) {
                try await clock.sleep(until: begin + .seconds(Double(index) / Double(rate)))
                let request = requests[index % requests.count]
                group.addTask {
                    let sent = clock.now
                    let response = try await client.execute(HTTPClientRequest(request), timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 4 << 20)
                    return sent.duration(to: clock.now).seconds * 1_000
                }
            }
            return try await group.reduce(into: [Double]()) { $0.append($1) }.sorted()
        }
        try await client.shutdown()
        return (times.percentile(0.5), times.percentile(0.99), times.last ?? 0)
    }
}

extension [Double] {
    /// The value at fraction `p` of these values, sorted ascending; zero when there are none.
    func percentile(_ p: Double) -> Double { isEmpty ? 0 : self[Swift.min(count - 1, Int(Double(count) * p))] }
}

extension HTTPClientRequest {
    /// The client's request for an adapter's (the bare leg posts what the gateway would): method, URL, headers and body as they are.
    init(_ request: OutboundRequest) {
        self.init(url: request.url)
        method = HTTPMethod(rawValue: request.method)
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        if let body = request.body { self.body = .bytes(ByteBuffer(bytes: body)) }
    }
}

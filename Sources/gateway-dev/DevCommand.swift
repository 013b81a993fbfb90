import ArgumentParser
import Foundation
import GatewayAdmin
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Logging

import MockSupport
import Prometheus
import SampleTraffic
import ServiceLifecycle

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run everything on this machine: embedded Kafka, the mock national systems, the gateway and sample traffic."
    )

    @Option(help: "Send this many events, wait for their outcomes, print a summary and stop. Without it, traffic flows until Ctrl-C.")
    var events: Int?

    @Option(help: "Events per second when running until Ctrl-C.")
    var rate = 20

    @Option(help: "Partitions of each topic.")
    var partitions = 6

    @Option(help: "Seed of the sample traffic.")
    var seed: UInt64 = 2025

    @Option(help: "Seconds to wait for every outcome before giving up.")
    var timeout = 300

    @Option(help: "Port of the admin listener on 127.0.0.1 (status page, /metrics, /status); 0 picks a free one.")
    var adminPort = 9464

    @Option(help: "Write the environment the operator's commands need for this stack (the broker, the mocks, their dev secrets), as shell exports.")
    var envFile: String?

    func validate() throws {
        if let events, events < 1 { throw ValidationError("--events must be at least 1") }
        guard rate >= 1 else { throw ValidationError("--rate must be at least 1") }
    }

    func run() async throws {
        LogSetup.bootstrap(level: "warning")
        let logger = Logger(label: "gateway")
        let stack = try await DevStack.start(partitions: partitions, contractsDirectory: try Self.contractsDirectory(), logger: logger)
        print("embedded Kafka  \(stack.cluster.bootstrapServers)  (topics dossier.events, gateway.results, gateway.dlq, nationalsystems.inbound, …; \(partitions) partitions)")
        for (target, url) in stack.mocks.urls.sorted(by: { $0.key < $1.key }) {
            print("\(target.rawValue.uppercased()) mock".padding(toLength: 16, withPad: " ", startingAt: 0) + "\(url)  (journal: \(url)/_control/journal)")
        }
        if let envFile {
            try writeShellExports(stack.operatorEnvironment, to: envFile)
            print("operator environment written to \(envFile): source it, then run gateway dlq, parked or replay")
        }

        let registry = PrometheusCollectorRegistry()
        let gateway = Gateway(
            configuration: try stack.gatewayConfiguration(overrides: Self.targetOverrides), logger: logger, environment: stack.secrets,
            metrics: GatewayMetrics(factory: PrometheusMetricsFactory(registry: registry))
        )
        let admin = AdminServer(host: "127.0.0.1", port: adminPort, monitor: gateway.monitor, registry: registry, token: nil, logger: logger) { port in
            print("status page     http://127.0.0.1:\(port)/  (also /status, /metrics, /health/ready)")
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: admin), .init(service: gateway)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        let stopped = RaisedFlag()
        let running = Task {
            defer { stopped.raise() }
            try await group.run()
        }
        let started = ContinuousClock.now
        // Birth and death registrations wait for the civil registry's answer, which comes back on
        // the inbound topic; the one-stop stand-in then publishes the dossier's result.
        let traffic = SampleTraffic(seed: seed, awaitsRegistry: true)
        let oneStop = OneStopStandIn(traffic: traffic, stack: stack, logger: logger)
        let answering = Task { try await oneStop.run() }
        defer { answering.cancel() }

        // VBDLIS calls the gateway back as land dossiers move on.
        while gateway.callbackListenerPort == nil, !stopped.isRaised, ContinuousClock.now < started + .seconds(30) { try await Task.sleep(for: .milliseconds(20)) }
        if let port = gateway.callbackListenerPort {
            try await stack.sendCallbacks(toPort: port)
            print("VBDLIS callbacks http://127.0.0.1:\(port)/api/vbdlis/{call}/{securityCode}")
        }
        // Citizens filed a few interconnected dossiers on the national portal: the gateway takes them in.
        let portalDossiers = ((try? await stack.control("bca", "portal/dossiers", body: ["count": Self.portalDossierCount]))?["dossiers"] as? [String]) ?? []

        var sent = 0
        if let events {
            let batch = traffic.events(count: events)
            await oneStop.sent(batch)
            try await stack.produce(batch)
            sent = events
            print("sent \(events) events; waiting for their outcomes and the civil registry's answers…")
            let deadline = ContinuousClock.now + .seconds(timeout)
            // A gateway that stops on its own (a configuration error, a fatal condition) ends the wait.
            while !stopped.isRaised, ContinuousClock.now < deadline {
                let answers = await oneStop.published
                if await oneStop.outstanding == 0, await oneStop.portalDossiers.count >= portalDossiers.count,
                   Self.finished(gateway.statistics.snapshot, sent: sent + answers), await Self.callbacksSettled(stack) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            sent += await oneStop.published
            await group.triggerGracefulShutdown()
        } else {
            print("sending \(rate) events/s; Ctrl-C stops")
            let rate = self.rate
            let producing = Task {
                // Made as they are sent: traffic starts at once, however long it then flows.
                var stream = traffic.stream()
                var produced = 0
                while !Task.isCancelled {
                    let batch = (0..<rate).map { _ in stream.next()! }
                    await oneStop.sent(batch)
                    do { try await stack.produce(batch) } catch { break }
                    produced += batch.count
                    try? await Task.sleep(for: .seconds(1))
                }
                return produced
            }
            _ = try? await running.value
            producing.cancel()
            sent = await producing.value + oneStop.published
        }
        try await running.value
        let elapsed = started.duration(to: .now)
        let complete = await summary(gateway.statistics.snapshot, stack: stack, sent: sent, elapsed: elapsed)
        let registryComplete = await inboundSummary(oneStop, stack: stack, portalDossiers: portalDossiers.count)
        await stack.shutdown()
        if events != nil, !complete || !registryComplete { throw ExitCode.failure }
    }

    static func finished(_ snapshot: GatewayStatistics.Snapshot, sent: Int) -> Bool {
        snapshot.eventsConsumed >= sent && snapshot.totalOutcomes >= snapshot.deliveriesRouted
    }

    private func summary(_ snapshot: GatewayStatistics.Snapshot, stack: DevStack, sent: Int, elapsed: Duration) async -> Bool {
        var journals: [TargetName: [JournalEntry]] = [:]
        for (target, control) in stack.mocks.controls { journals[target] = await control.journal.all() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("")
        print("summary after \(String(format: "%.1f", seconds)) s")
        print("  events sent           \(sent)")
        print("  events consumed       \(snapshot.eventsConsumed)")
        print("  invalid events        \(snapshot.invalidEvents)")
        print("  deliveries routed     \(snapshot.deliveriesRouted)")
        for (target, counts) in snapshot.outcomes.sorted(by: { $0.key < $1.key }) {
            let journal = journals[target] ?? []
            let calls = Dictionary(grouping: journal, by: \.operation).mapValues(\.count)
            print("  \(target)")
            print("    calls               \(journal.count)  (" + calls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
            print("    delivered           \(counts[.delivered] ?? 0)")
            print("    duplicates          \(counts[.duplicate] ?? 0)")
            print("    dead-lettered       \(counts[.deadLettered] ?? 0)")
        }
        let complete = Self.finished(snapshot, sent: sent)
        let delivered = snapshot.count(.delivered) + snapshot.count(.duplicate)
        if complete, snapshot.count(.deadLettered) == 0, snapshot.invalidEvents == 0 {
            print("every event delivered: \(delivered) of \(snapshot.deliveriesRouted) deliveries")
        } else if complete {
            print("every event has an outcome; \(snapshot.count(.deadLettered)) dead-lettered, \(snapshot.invalidEvents) invalid")
        } else {
            print("incomplete: \(snapshot.totalOutcomes) outcomes of \(snapshot.deliveriesRouted) deliveries")
        }
        return complete
    }

    /// The inbound direction: what the civil registry answered and what the one-stop did with it.
    private func inboundSummary(_ oneStop: OneStopStandIn, stack: DevStack, portalDossiers: Int) async -> Bool {
        let inbound = await oneStop.inbound
        let states = ["sent", "supplement-needed", "eligible", "result-issued", "refused"].compactMap { state in inbound[state].map { "\(state) \($0)" } }
        let acknowledged = ((try? await stack.control("bca", "portal/acknowledged", method: "GET"))?["dossiers"] as? [String])?.count ?? 0
        print("  inbound (\(DevStack.topics.inbound))")
        print("    registry answers    \(inbound.values.reduce(0, +))  (" + states.joined(separator: ", ") + ")")
        print("    one-stop results    \(await oneStop.answeredCount) dossiers resolved with the registry's result (BCA status 4 carries it)")
        print("    BCA portal dossiers \(await oneStop.portalDossiers.count) of \(portalDossiers) taken in, \(acknowledged) acknowledged")
        let callbacks = await oneStop.others.filter { $0.key.hasPrefix("vn.gov.vbdlis.") }
        let calls = callbacks.sorted { $0.key < $1.key }.map { "\($0.key.dropFirst("vn.gov.vbdlis.".count)) \($0.value)" }
        print("    VBDLIS callbacks    \(callbacks.values.reduce(0, +))  (" + calls.joined(separator: ", ") + ")")
        let duplicates = await oneStop.duplicates
        if duplicates > 0 { print("    read twice          \(duplicates)") }
        let outstanding = await oneStop.outstanding
        if outstanding > 0 { print("incomplete: \(outstanding) registrations without the registry's final answer") }
        let missing = portalDossiers - acknowledged
        if missing > 0 { print("incomplete: \(missing) BCA portal dossiers not acknowledged") }
        return outstanding == 0 && missing == 0 && duplicates == 0
    }

    /// Whether VBDLIS has had an answer to every callback it made.
    static func callbacksSettled(_ stack: DevStack) async -> Bool {
        guard let state = try? await stack.control("vbdlis", "callbacks", method: "GET") else { return true }
        let answered = (state["answered"] as? [String: Int])?.values.reduce(0, +) ?? 0
        return answered >= (state["scheduled"] as? Int ?? 0)
    }

    /// Interconnected dossiers the BCA mock hands over at the start of the demo.
    static let portalDossierCount = 4

    /// `Contracts/` of the working directory, or of the checkout the binary was built in.
    static func contractsDirectory() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["GATEWAY__contractsDirectory"] { return configured }
        var candidates = [FileManager.default.currentDirectoryPath + "/Contracts"]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("Contracts").path)
            directory.deleteLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/dvcqg/classification.json") }) else {
            throw ValidationError("Contracts/ not found; run from the repository or set GATEWAY__contractsDirectory")
        }
        return found
    }
}

/// Set once, when the gateway's service group has returned.
extension DevCommand {
    /// The `GATEWAY__targets__…` and `GATEWAY__routes` settings of this process's environment,
    /// laid over the stack's: `GATEWAY__targets__dvcqg__connection__style=lgsp` runs the demo
    /// against DVCQG through the LGSP instead of directly.
    static var targetOverrides: [String: String] {
        ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("GATEWAY__targets__") || $0.key.hasPrefix("GATEWAY__routes") }
    }
}

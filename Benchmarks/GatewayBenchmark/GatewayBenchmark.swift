import ArgumentParser
import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Kafka
import Logging
import SampleTraffic

/// Measures the gateway against the embedded broker and the mocks, each in its own process,
/// and prints a table and a JSON file. `--smoke` runs a small count and only checks that every
/// event is accounted for.
@main
struct GatewayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway-bench",
        abstract: "Measure the gateway end to end against the embedded broker and the mock national systems."
    )

    @Option(help: "Events pre-produced for each end-to-end run.")
    var events = 200_000

    @Option(help: "Partitions of dossier.events (raised to keep the embedded broker's per-partition retention).")
    var partitions = 96

    @Option(help: "Events per second of the latency run.")
    var rate = 1_000

    @Option(help: "Seconds of the latency run.")
    var latencySeconds = 20

    @Option(help: "What to run: codec, engine, consume (and produce), http, python, dvcqg-emc, all-systems, latency, outage, restart, large-events, scaling.")
    var scenarios = "codec,engine,consume,http,python,dvcqg-emc,all-systems,latency,outage,restart,large-events"

    @Option(help: "Events that arrive during the outage run.")
    var outageEvents = 100_000

    @Option(help: "Seconds DVCQG is down in the outage run.")
    var outageSeconds = 60

    @Option(help: "Events of the large-events run, each carrying an attachment inline.")
    var largeEvents = 300

    @Option(help: "Bytes of each event of the large-events run.")
    var largeEventBytes = 1_000_000

    @Option(help: "Seconds DVCQG is down at the start of the large-events run (none in the smoke run).")
    var largeOutageSeconds = 30

    @Option(help: "Event counts of the scaling run (DVCQG + EMC), comma-separated.")
    var scaling = "20000,200000,1000000"

    @Option(help: "The Python that runs the yardstick worker (needs Benchmarks/python-worker/requirements.txt).")
    var python = "python3"

    @Option(help: "Where to write the figures as JSON.")
    var output = "bench.json"

    @Flag(help: "A small run for CI: every event accounted for, nothing about speed.")
    var smoke = false

    func run() async throws {
        let count = smoke ? 2_000 : events
        let partitionCount = max(partitions, count / 1_500 + 1)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gateway")
        let contracts = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Contracts").path
        let wanted = Set(scenarios.split(separator: ",").map(String.init))
        var report = BenchmarkReport(events: count, partitions: partitionCount, machine: Machine.describe())
        print("gateway-bench: \(count) events over \(partitionCount) partitions; \(report.machine)")

        if wanted.contains("codec") {
            report.figures["codec"] = try Scenarios.codec(min(count, 20_000))
        }
        if wanted.contains("engine") {
            report.figures["engine"] = try await EngineLeg.run(min(count, 20_000), contracts: contracts)
            if smoke, report.figures["engine"]?["delivered_share"] != 1 {
                throw ValidationError("engine: not every delivery was delivered: \(report.figures["engine"] ?? [:])")
            }
        }
        if wanted.contains("consume") {
            let stack = try ProcessStack(partitions: partitionCount, binary: binary, contractsDirectory: contracts)
            try await Scenarios.preproduce(count, on: stack)
            report.figures["consume"] = try await Scenarios.consumeOnly(count, on: stack)
            report.figures["produce"] = try await Scenarios.produceOnly(min(count, 50_000), on: stack)
        }
        if wanted.contains("http") {
            let stack = try ProcessStack(partitions: partitionCount, binary: binary, contractsDirectory: contracts)
            let captured = min(count, 10_000)
            let recorded = try await HTTPLeg.capture(captured, targets: ["dvcqg", "emc"], on: stack)
            let calls = recorded.values.reduce(0) { $0 + $1.count } * count / captured
            let concurrency = try GatewayConfiguration.load(path: nil, environment: [:]).targets["dvcqg"]?.maxInFlight ?? 32
            report.figures["http"] = try await HTTPLeg.replay(recorded, calls: calls, concurrency: concurrency)
        }
        if wanted.contains("python"), !smoke {
            let stack = try ProcessStack(partitions: partitionCount, binary: binary, contractsDirectory: contracts)
            try await Scenarios.preproduce(count, on: stack)
            report.figures["python"] = try await Scenarios.pythonWorker(count, python: python, on: stack)
        }
        for (name, targets) in [("dvcqg-emc", ["dvcqg", "emc"]), ("all-systems", ["dvcqg", "emc", "bca", "vbdlis", "hotich"])] where wanted.contains(name) {
            let stack = try ProcessStack(partitions: partitionCount, binary: binary, contractsDirectory: contracts)
            try await Scenarios.preproduce(count, on: stack)
            let figures = try await Scenarios.endToEnd(count, targets: targets, on: stack)
            report.figures[name] = figures
            if smoke, figures["complete"] != 1 || figures["dead_letters_or_parked"] != 0 {
                throw ValidationError("\(name): not every event was accounted for: \(figures)")
            }
        }
        if wanted.contains("latency"), !smoke {
            let stack = try ProcessStack(partitions: partitionCount, binary: binary, contractsDirectory: contracts)
            report.figures["latency"] = try await Scenarios.latency(rate: rate, seconds: latencySeconds, on: stack)
        }
        if let http = report.figures["http"]?["calls_per_second"], let gateway = report.figures["dvcqg-emc"]?["outcomes_per_second_steady"] {
            report.figures["ratios", default: [:]]["dvcqg_emc_calls_vs_bare_http"] = gateway / http
        }
        if let python = report.figures["python"]?["events_per_second"], let gateway = report.figures["dvcqg-emc"]?["events_per_second_steady"] {
            report.figures["ratios", default: [:]]["dvcqg_emc_events_vs_python"] = gateway / python
        }
        if wanted.contains("outage"), !smoke {
            let stack = try ProcessStack(partitions: max(partitions, outageEvents / 1_500 + 1), binary: binary, contractsDirectory: contracts)
            report.figures["outage"] = try await Scenarios.outageAndDrain(outageEvents, seconds: outageSeconds, on: stack)
        }
        if wanted.contains("restart"), !smoke {
            // A stack each: a sole reader's group has no commits, and it would read the other run's events first.
            for (name, membership) in [("restart", "group"), ("restart-sole", "sole")] {
                let stack = try ProcessStack(partitions: partitions, binary: binary, contractsDirectory: contracts)
                report.figures[name] = try await Scenarios.restartAfterKill(membership: membership, on: stack)
            }
        }
        if wanted.contains("large-events") {
            let large = smoke ? 20 : largeEvents
            // Two partitions an event: the embedded broker keeps a few megabytes per partition.
            let stack = try ProcessStack(partitions: max(partitions, large * 2), binary: binary, contractsDirectory: contracts)
            let figures = try await Scenarios.largeEvents(large, bytes: largeEventBytes, outageSeconds: smoke ? 0 : largeOutageSeconds, on: stack)
            report.figures["large-events"] = figures
            if smoke, figures["complete"] != 1 || figures["dead_letters_or_parked"] != 0 {
                throw ValidationError("large-events: not every event was accounted for: \(figures)")
            }
        }
        if wanted.contains("scaling"), !smoke {
            // Every size is fed while the gateway runs, over the same partitions, so that only the
            // number of events changes from one size to the next.
            let feed = Scenarios.Feed()
            for size in scaling.split(separator: ",").compactMap({ Int($0) }) {
                let stack = try ProcessStack(partitions: max(partitions, feed.partitions), binary: binary, contractsDirectory: contracts)
                let figures = try await Scenarios.endToEnd(size, targets: ["dvcqg", "emc"], fed: feed, on: stack)
                report.figures["scaling-\(size)"] = figures.filter {
                    ["wall_seconds", "peak_rss_mib", "cpu_ms_per_event", "broker_cpu_ms_per_event", "mocks_cpu_ms_per_event", "events_per_second_steady", "partitions", "complete"].contains($0.key)
                }
            }
        }
        report.print()
        try report.write(to: output)
        print("figures written to \(output)")
    }
}

/// The machine the figures come from.
enum Machine {
    static func describe() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(model), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}

struct BenchmarkReport: Encodable {
    var events: Int
    var partitions: Int
    var machine: String
    var figures: [String: [String: Double]] = [:]

    func print() {
        // As wide as the longest name, so that none is cut (`scaling-1000000`).
        let width = max(13, figures.keys.map(\.count).max() ?? 0)
        Swift.print("")
        Swift.print("\("scenario".padding(toLength: width, withPad: " ", startingAt: 0)) \("figure".padding(toLength: 42, withPad: " ", startingAt: 0)) value")
        for (scenario, values) in figures.sorted(by: { $0.key < $1.key }) {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                Swift.print("\(scenario.padding(toLength: width, withPad: " ", startingAt: 0)) \(name.padding(toLength: 42, withPad: " ", startingAt: 0)) \(String(format: value.rounded() == value ? "%.0f" : "%.2f", value))")
            }
        }
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}

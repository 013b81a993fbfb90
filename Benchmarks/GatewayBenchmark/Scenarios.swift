import DVCQGMock
import EMCMock
import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import Kafka
import Logging
import MockSupport
import SampleTraffic
import Synchronization

/// The measured runs. Each figure is a number; times in seconds or milliseconds as named.
enum Scenarios {
    static let logger = Logger(label: "gateway-bench")

    static func preproduce(_ count: Int, on stack: ProcessStack) async throws {
        let producer = try stack.producer()
        let started = ContinuousClock.now
        try await producer.sendInDossierOrder(SampleTraffic(seed: 42).events(count: count), topic: "dossier.events")
        await producer.shutdown()
        print("  produced \(count) events in \(started.duration(to: .now))")
    }

    /// librdkafka alone: a group consumer reading every event, doing nothing with it.
    static func consumeOnly(_ count: Int, on stack: ProcessStack) async throws -> [String: Double] {
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: stack.bootstrap, clientID: "bench-consume"),
                                                      subscription: .group(id: "bench-consume", topics: ["dossier.events"])),
            logger: logger
        )
        var read = 0
        var first: ContinuousClock.Instant?
        let started = ContinuousClock.now
        for await event in consumer.events {
            guard case .message = event else { continue }
            if first == nil { first = .now }
            read += 1
            if read == count { break }
        }
        let seconds = (first ?? started).duration(to: .now).seconds
        await consumer.close()
        print("  consume only: \(read) events in \(String(format: "%.2f", seconds)) s")
        return ["events_per_second": Double(read) / seconds, "seconds": seconds]
    }

    /// Events produced while the gateway runs, `chunk` at a time, never more than `window` ahead
    /// of its DVCQG results. The embedded broker keeps a few megabytes a partition and drops the
    /// oldest records past that, read or not, so a backlog produced beforehand needs partitions in
    /// proportion to its size. Fed this way, any number of events fits `partitions`: the window
    /// averages 750 unread events a partition, half of what the broker keeps, which leaves room
    /// for the busiest partitions.
    struct Feed: Sendable {
        var window = 100_000
        var chunk = 25_000
        var partitions = 134
    }

    /// The gateway from start until every routed result is written, `targets` enabled: `count`
    /// events produced beforehand, or with `fed`, produced while it runs.
    static func endToEnd(_ count: Int, targets: [String], fed: Feed? = nil, on stack: ProcessStack) async throws -> [String: Double] {
        var overrides: [String: String] = ["LOG_LEVEL": "notice"]
        for target in ["dvcqg", "emc", "bca", "vbdlis", "hotich"] where !targets.contains(target) {
            overrides["GATEWAY__targets__\(target)__enabled"] = "false"
        }
        // Made before the clock starts: a million take the benchmark about half a minute.
        let fedEvents = fed.map { _ in SampleTraffic(seed: 42).events(count: count) } ?? []
        let reader = try ResultReader(stack: stack)
        let supportBefore = stack.supportCPUSeconds
        let started = ContinuousClock.now
        let gateway = try stack.startGateway(group: "bench-\(targets.count)", name: "bench-\(targets.count)", overrides: overrides)
        // Set when the feed fails, so that the wait below ends instead of running to its timeout.
        let feedFailed = RaisedFlag()
        let feeding = fed.map { feed in
            Task {
                do {
                    let producer = try stack.producer()
                    // Each chunk is acknowledged whole before the next goes: a dossier's events stay in order.
                    for start in stride(from: 0, to: count, by: feed.chunk) {
                        let chunk = Array(fedEvents[start..<min(count, start + feed.chunk)])
                        // Polled, not `wait(for:)`: that stops the reader once it returns.
                        while (reader.snapshot()["dvcqg"] ?? 0) < start + chunk.count - feed.window {
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        try await producer.sendInDossierOrder(chunk, topic: "dossier.events")
                    }
                    await producer.shutdown()
                } catch {
                    feedFailed.raise()
                    throw error
                }
            }
        }
        // DVCQG and EMC take every event; the other systems a share, known once no more come.
        // A run that stops short (a feed that failed, events the broker dropped) ends after a
        // quiet minute with what it has, marked incomplete.
        let settled = await reader.wait(for: { counts in
            ((counts["dvcqg"] ?? 0) >= count && (counts["emc"] ?? 0) >= count) || feedFailed.isRaised
        }, quietFor: targets.count > 2 ? .seconds(3) : .zero, giveUpAfterQuiet: .seconds(60), timeout: .seconds(3_600))
        // A feed still waiting for room once the wait gave up would wait for ever: the run is
        // reported incomplete instead. A feed that failed fails the run.
        feeding?.cancel()
        if case .failure(let error) = await feeding?.result, !(error is CancellationError) { throw error }
        let cpu = gateway.cpuSeconds ?? 0
        let support = stack.supportCPUSeconds
        let peak = Double(gateway.peakResidentKilobytes ?? 0) / 1_024
        _ = await gateway.terminate()
        let wall = started.duration(to: settled.last ?? .now).seconds
        let outcomes = settled.total
        let steady = settled.steadyRate
        let complete = (settled.counts["dvcqg"] ?? 0) >= count && (settled.counts["emc"] ?? 0) >= count
        print("  \(targets.joined(separator: "+")): \(outcomes) outcomes for \(count) events in \(String(format: "%.1f", wall)) s, first after \(String(format: "%.2f", settled.firstAfter(started))) s")
        return [
            "events_per_second_wall": Double(count) / wall,
            "events_per_second_steady": steady.events,
            "outcomes_per_second_steady": steady.outcomes,
            "cpu_ms_per_event": cpu * 1_000 / Double(count),
            // What the broker and the mocks spent meanwhile: they share the cores with the gateway.
            "broker_cpu_ms_per_event": (support.broker - supportBefore.broker) * 1_000 / Double(count),
            "mocks_cpu_ms_per_event": (support.mocks - supportBefore.mocks) * 1_000 / Double(count),
            "peak_rss_mib": peak,
            "first_result_seconds": settled.firstAfter(started),
            "wall_seconds": wall,
            "partitions": Double(stack.partitions),
            "complete": complete ? 1 : 0,
            "dead_letters_or_parked": Double(settled.failures),
        ]
    }

    /// Events of about `bytes` each, an attachment inline as land dossiers carry them, read from
    /// a backlog by a gateway delivering to all five systems: peak RSS, which the byte bounds of
    /// the fetch, the consumer's buffer and the backlog are there to hold. Each event is the first
    /// of its dossier, when the papers come in: the embedded broker keeps a few megabytes per
    /// partition, and a dossier's whole life in one partition would outgrow it. DVCQG answers 503
    /// for the first `outageSeconds`, so that the backlog fills with large events while it is down.
    static func largeEvents(_ count: Int, bytes: Int, outageSeconds: Int, on stack: ProcessStack) async throws -> [String: Double] {
        var seen = Set<String>()
        var events = Array(SampleTraffic(seed: 11).events(count: count * 12).filter { seen.insert($0.dossierCode).inserted }.prefix(count))
        guard events.count == count else { throw ProcessStackError("large events: the sample traffic gave \(events.count) dossiers, not \(count)") }
        for index in events.indices {
            let written = try JSONCoding.encoder.encode(events[index]).count
            // Base64 text of the size that brings the event to `bytes`, allowing for the document's own fields.
            let text = String(repeating: "A", count: max(0, bytes - written - 160) / 4 * 4)
            events[index].data.documents = (events[index].data.documents ?? []) + [
                DossierData.Document(name: "Bản vẽ thửa đất", code: "TP99", contentBase64: text, originals: 1, copies: 0, fileName: "banve.pdf"),
            ]
        }
        let producer = try stack.producer(maxMessageBytes: bytes * 2)
        try await producer.sendInDossierOrder(events, topic: "dossier.events")
        await producer.shutdown()
        let sizes = try events.map { try JSONCoding.encoder.encode($0).count }
        let reader = try ResultReader(stack: stack)
        if outageSeconds > 0 { try await stack.fault(on: "dvcqg", FaultPlan(status: 503, retryAfterSeconds: 1, count: 100_000_000)) }
        let started = ContinuousClock.now
        let gateway = try stack.startGateway(group: "bench-large", name: "bench-large", overrides: ["LOG_LEVEL": "notice"])
        var peakDuringOutage = 0
        if outageSeconds > 0 {
            while started.duration(to: .now) < .seconds(outageSeconds) {
                peakDuringOutage = max(peakDuringOutage, gateway.peakResidentKilobytes ?? 0)
                try await Task.sleep(for: .milliseconds(500))
            }
            try await stack.clearFaults(on: "dvcqg")
        }
        let settled = await reader.wait(for: { counts in
            (counts["dvcqg"] ?? 0) >= count && (counts["emc"] ?? 0) >= count
        }, quietFor: .seconds(3), timeout: .seconds(1_800))
        let cpu = gateway.cpuSeconds ?? 0
        let peak = Double(gateway.peakResidentKilobytes ?? 0) / 1_024
        _ = await gateway.terminate()
        let wall = started.duration(to: settled.last ?? .now).seconds
        let complete = (settled.counts["dvcqg"] ?? 0) >= count && (settled.counts["emc"] ?? 0) >= count
        let mean = Double(sizes.reduce(0, +)) / Double(max(1, sizes.count))
        print("  large events: \(count) of \(Int(mean)) bytes on average in \(String(format: "%.1f", wall)) s, \(settled.total) outcomes, peak RSS \(Int(peak)) MiB (\(peakDuringOutage / 1_024) MiB during DVCQG's outage of \(outageSeconds) s)")
        return [
            "outage_seconds": Double(outageSeconds),
            "peak_rss_during_outage_mib": Double(peakDuringOutage) / 1_024,
            "events": Double(count),
            "event_bytes_mean": mean,
            "peak_rss_mib": peak,
            "wall_seconds": wall,
            "events_per_second": Double(count) / max(wall, 0.001),
            "cpu_ms_per_event": cpu * 1_000 / Double(count),
            "outcomes": Double(settled.total),
            "complete": complete ? 1 : 0,
            "dead_letters_or_parked": Double(settled.failures),
        ]
    }

    /// Events produced at a steady rate to a running gateway: produce-to-result latency at DVCQG.
    static func latency(rate: Int, seconds: Int, on stack: ProcessStack) async throws -> [String: Double] {
        let reader = try ResultReader(stack: stack)
        let gateway = try stack.startGateway(group: "bench-latency", name: "bench-latency", overrides: [
            "GATEWAY__targets__bca__enabled": "false", "GATEWAY__targets__vbdlis__enabled": "false",
            "GATEWAY__targets__hotich__enabled": "false",
        ])
        try await gateway.waitUntilJoined()
        try await Task.sleep(for: .seconds(2))
        let events = SampleTraffic(seed: 7).events(count: rate * seconds)
        // Encoded before the clock starts: encoding them on the way took a third of this
        // process's CPU, on the two cores the gateway runs on.
        let values = try events.map { Array(try JSONCoding.encoder.encode($0)) }
        let producer = try stack.producer()
        // The producer learns the topic's partitions before the clock starts: otherwise the
        // first second's events reach the broker together, and the gateway sees a burst.
        _ = try await producer.partitionCount(of: "dossier.events")
        let clock = ContinuousClock()
        let cpuBefore = gateway.cpuSeconds ?? 0, supportBefore = stack.supportCPUSeconds, benchBefore = ProcessCPU.seconds()
        let begin = clock.now
        // Latency counts from the broker's acknowledgement: from when the event is in Kafka,
        // not from when this producer queued it.
        let acknowledged = Arrivals()
        // Each dossier's events keep their order: the next one waits for its predecessor's ack.
        var lastOfDossier: [String: Task<Void, any Error>] = [:]
        for (index, (event, value)) in zip(events, values).enumerated() {
            try await clock.sleep(until: begin + .seconds(Double(index) / Double(rate)))
            let previous = lastOfDossier[event.dossierCode]
            lastOfDossier[event.dossierCode] = Task {
                try await previous?.value
                _ = try await producer.send(KafkaProducerMessage(topic: "dossier.events", key: event.dossierCode, value: value))
                acknowledged.times.withLock { $0[event.id] = clock.now }
                acknowledged.wallMilliseconds.withLock { $0[event.id] = Int64((Date().timeIntervalSince1970 * 1_000).rounded()) }
            }
        }
        for task in lastOfDossier.values { try await task.value }
        let sentAt = acknowledged.times.withLock { $0 }
        let settled = await reader.wait(for: { ($0["dvcqg"] ?? 0) >= events.count }, quietFor: .zero, timeout: .seconds(600))
        let cpu = (gateway.cpuSeconds ?? 0) - cpuBefore
        // Every process of the run shares the machine's cores: how busy they kept them says
        // whether the rate left the gateway room to answer at once.
        let support = stack.supportCPUSeconds, bench = ProcessCPU.seconds() - benchBefore
        let wall = begin.duration(to: clock.now).seconds
        let busy = (cpu + support.broker - supportBefore.broker + support.mocks - supportBefore.mocks + bench) / (wall * Double(ProcessInfo.processInfo.activeProcessorCount))
        _ = await gateway.terminate()
        await producer.shutdown()
        let arrived = Dictionary(settled.arrivals(target: "dvcqg"), uniquingKeysWith: { first, _ in first })
        let latencies = arrived.compactMap { id, at in sentAt[id].map { $0.duration(to: at).seconds * 1_000 } }.sorted()
        // A dossier's events go out one after another, so an event that arrives while its
        // dossier's previous one is still on its way waits for it: a bare client sending calls
        // has no such wait. Those that found their dossier free show the gateway's own path.
        var previousResult: [String: ContinuousClock.Instant] = [:]
        var unqueued: [Double] = []
        for event in events {
            guard let sent = sentAt[event.id], let at = arrived[event.id] else { continue }
            if previousResult[event.dossierCode].map({ $0 <= sent }) ?? true { unqueued.append(sent.duration(to: at).seconds * 1_000) }
            previousResult[event.dossierCode] = at
        }
        unqueued.sort()
        // To the moment the gateway wrote the result, in whole milliseconds: without the result's
        // own way through Kafka to this reader (the producer's linger, the broker, the reader's fetch).
        let ackedWall = acknowledged.wallMilliseconds.withLock { $0 }
        let toWrite = settled.writes(target: "dvcqg").compactMap { id, written in ackedWall[id].map { Double(written - $0) } }.sorted()
        print("  latency at \(rate)/s: \(latencies.count) results, p50 \(String(format: "%.1f", latencies.percentile(0.5))) ms, p99 \(String(format: "%.1f", latencies.percentile(0.99))) ms, gateway CPU \(String(format: "%.2f", cpu * 1_000 / Double(events.count))) ms per event, cores \(Int(busy * 100)) % busy")
        // The same rate of DVCQG calls, bare: what any client pays for the round trip alone.
        let recorded = try await HTTPLeg.capture(min(events.count, 2_000), targets: ["dvcqg"], on: stack).values.flatMap { $0 }
        let bare = try await HTTPLeg.roundTrips(recorded, rate: rate, seconds: min(seconds, 10))
        print("  bare DVCQG round trip at \(rate)/s: p50 \(String(format: "%.1f", bare.p50)) ms, p99 \(String(format: "%.1f", bare.p99)) ms")
        print("  to the result's write (whole ms): p50 \(String(format: "%.0f", toWrite.percentile(0.5))) ms, p99 \(String(format: "%.0f", toWrite.percentile(0.99))) ms")
        print("  events that found their dossier free: \(unqueued.count) of \(latencies.count), p50 \(String(format: "%.1f", unqueued.percentile(0.5))) ms, p99 \(String(format: "%.1f", unqueued.percentile(0.99))) ms")
        return [
            "p50_ms": latencies.percentile(0.5), "p99_ms": latencies.percentile(0.99), "max_ms": latencies.last ?? 0, "rate": Double(rate),
            "dossier_free_share": Double(unqueued.count) / Double(max(1, latencies.count)),
            "to_write_p50_ms": toWrite.percentile(0.5), "to_write_p99_ms": toWrite.percentile(0.99),
            "dossier_free_p50_ms": unqueued.percentile(0.5), "dossier_free_p99_ms": unqueued.percentile(0.99),
            "bare_http_p50_ms": bare.p50, "bare_http_p99_ms": bare.p99, "bare_http_max_ms": bare.max,
            "p99_added_ms": latencies.percentile(0.99) - bare.p99,
            "cpu_ms_per_event": cpu * 1_000 / Double(events.count),
            "mocks_cpu_ms_per_event": (support.mocks - supportBefore.mocks) * 1_000 / Double(events.count),
            "broker_cpu_ms_per_event": (support.broker - supportBefore.broker) * 1_000 / Double(events.count),
            "bench_cpu_ms_per_event": bench * 1_000 / Double(events.count),
            "cores_busy_share": busy,
        ]
    }
}

/// Reads `gateway.results` as they come, counting per target and noting when each arrived.
final class ResultReader: Sendable {
    struct Settled {
        var counts: [String: Int]
        /// Results other than delivered or duplicate.
        var failures = 0
        var times: [ContinuousClock.Instant]
        /// Each result: its target, its event, when it was read, and when the gateway wrote it
        /// (the record's create time, in Unix milliseconds).
        var byEvent: [(target: String, id: String, at: ContinuousClock.Instant, writtenMilliseconds: Int64?)]
        var last: ContinuousClock.Instant? { times.last }
        var total: Int { times.count }

        func firstAfter(_ start: ContinuousClock.Instant) -> Double { start.duration(to: times.first ?? start).seconds }

        /// Rates between the 10th and the 90th percentile of results, in events (DVCQG results) and outcomes.
        var steadyRate: (events: Double, outcomes: Double) {
            guard times.count > 10 else { return (0, 0) }
            let low = times.count / 10, high = times.count * 9 / 10
            let seconds = times[low].duration(to: times[high]).seconds
            let dvcqg = byEvent[low...high].filter { $0.target == "dvcqg" }.count
            return seconds > 0 ? (Double(dvcqg) / seconds, Double(high - low) / seconds) : (0, 0)
        }

        func arrivals(target: String) -> [(String, ContinuousClock.Instant)] {
            byEvent.filter { $0.target == target }.map { ($0.id, $0.at) }
        }

        /// When the gateway wrote each result for `target`, in Unix milliseconds.
        func writes(target: String) -> [String: Int64] {
            var writes: [String: Int64] = [:]
            for result in byEvent where result.target == target && writes[result.id] == nil {
                writes[result.id] = result.writtenMilliseconds
            }
            return writes
        }
    }

    private final class Shared: Sendable {
        let settled = Mutex<Settled>(Settled(counts: [:], times: [], byEvent: []))
    }

    private let consumer: KafkaConsumer
    private let state = Shared()
    private let reading: Task<Void, Never>

    init(stack: ProcessStack) throws {
        let partitions = (0..<stack.partitions).map { KafkaTopicPartition(topic: "gateway.results", partition: Int32($0)) }
        let consumer = try KafkaConsumer(
            // An empty fetch answered at once: the reader adds no wait of its own to a latency.
            configuration: KafkaConsumerConfiguration(
                KafkaConfiguration(bootstrapServers: stack.bootstrap, clientID: "bench-results", properties: ["fetch.wait.max.ms": "5"]),
                subscription: .partitions(partitions)
            ),
            logger: Scenarios.logger
        )
        self.consumer = consumer
        let state = self.state
        reading = Task {
            for await event in consumer.events {
                guard case .message(let message) = event, let record = ResultSummary(message.value) else { continue }
                let now = ContinuousClock.now
                state.settled.withLock { state in
                    state.counts[record.target, default: 0] += 1
                    if !record.settledWell { state.failures += 1 }
                    state.times.append(now)
                    state.byEvent.append((record.target, record.eventId, now, message.timestampMilliseconds))
                }
            }
        }
    }

    /// Waits for the first result whose event id `matches`; when it came. The reader goes on
    /// reading.
    func wait(until matches: @Sendable (String) -> Bool, timeout: Duration) async -> ContinuousClock.Instant? {
        let end = ContinuousClock.now + timeout
        var found: ContinuousClock.Instant?
        while ContinuousClock.now < end, found == nil {
            found = state.settled.withLock { $0.byEvent.first { matches($0.id) }?.at }
            if found == nil { try? await Task.sleep(for: .milliseconds(20)) }
        }
        return found
    }

    /// Stops reading.
    func close() async {
        reading.cancel()
        await consumer.close()
    }

    /// Results per target so far.
    func snapshot() -> [String: Int] { state.settled.withLock { $0.counts } }

    /// Waits until `done` holds for the counts per target and no result has come for `quietFor`,
    /// or, once results have come, none has for `giveUpAfterQuiet`.
    func wait(for done: @Sendable ([String: Int]) -> Bool, quietFor: Duration, giveUpAfterQuiet: Duration? = nil, timeout: Duration) async -> Settled {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            let snapshot = state.settled.withLock { $0 }
            let quiet = snapshot.last.map { $0.duration(to: .now) }
            if done(snapshot.counts), let quiet, quiet >= quietFor { break }
            if let giveUpAfterQuiet, let quiet, quiet >= giveUpAfterQuiet { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        await close()
        return state.settled.withLock { $0 }
    }
}

/// What the reader counts of a result record, read without decoding the rest: decoding each
/// whole record took a tenth of this process's CPU in a latency run.
struct ResultSummary {
    var eventId = ""
    var target = ""
    var outcome = ""

    /// Delivered, or a duplicate the national system already had.
    var settledWell: Bool {
        outcome == DeliveryOutcome.Status.delivered.rawValue || outcome == DeliveryOutcome.Status.duplicate.rawValue
    }

    init?(_ bytes: [UInt8]) {
        var summary = ResultSummary()
        do {
            try JSONReader.read(bytes) { (reader: inout JSONReader) throws(JSONReadError) in
                try reader.object { (key: String, reader: inout JSONReader) throws(JSONReadError) in
                    switch key {
                    case "eventId": summary.eventId = try reader.string()
                    case "target": summary.target = try reader.string()
                    case "outcome": summary.outcome = try reader.string()
                    default: try reader.skip()
                    }
                }
            }
        } catch {
            return nil
        }
        guard !summary.eventId.isEmpty, !summary.target.isEmpty, !summary.outcome.isEmpty else { return nil }
        self = summary
    }

    private init() {}
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Scenarios {
    /// The gateway's own per-event work without I/O: decoding and checking an event, and
    /// encoding the result record it leads to, in microseconds each.
    static func codec(_ count: Int) throws -> [String: Double] {
        let events = SampleTraffic(seed: 42).events(count: count)
        let encoded = try events.map { Array(try JSONCoding.encoder.encode($0)) }
        let clock = ContinuousClock()
        // The fastest of three passes: the others are other processes' noise on a shared machine.
        var decoding = Double.infinity, encoding = Double.infinity, written = 0
        for _ in 0..<3 {
            var started = clock.now
            for (event, bytes) in zip(events, encoded) {
                _ = try DossierEventDecoder.decode(bytes, key: event.dossierCode)
            }
            decoding = min(decoding, started.duration(to: clock.now).seconds)
            started = clock.now
            written = 0
            for event in events {
                let delivery = Delivery(event: event, target: "dvcqg", operations: ["dongbo"], origin: EventOrigin(topic: "dossier.events", partition: 0, offset: 0, timestampMilliseconds: nil, key: nil, value: [], headers: []))
                written += ResultRecord(outcome: DeliveryOutcome(delivery, .delivered([], duplicate: false))).encoded().count
            }
            encoding = min(encoding, started.duration(to: clock.now).seconds)
        }
        let bytes = encoded.reduce(0) { $0 + $1.count }
        print("  codec: \(count) events of \(bytes / count) bytes on average")
        return [
            "decode_us_per_event": decoding * 1e6 / Double(count),
            "result_encode_us": encoding * 1e6 / Double(count),
            "event_bytes_mean": Double(bytes / count),
            "result_bytes_mean": Double(written / count),
        ]
    }
}

extension Scenarios {
    /// The yardstick: `Benchmarks/python-worker/worker.py` doing the DVCQG + EMC fan-out of the
    /// same pre-produced events against the same mocks. Nil when its packages are not installed.
    static func pythonWorker(_ count: Int, python: String, on stack: ProcessStack) async throws -> [String: Double]? {
        let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Benchmarks/python-worker/worker.py")
        guard FileManager.default.fileExists(atPath: script.path), run(python, ["-c", "import confluent_kafka, aiohttp"]) == 0 else {
            print("  python worker skipped: install it with \(python) -m pip install -r Benchmarks/python-worker/requirements.txt")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--bootstrap", stack.bootstrap, "--events", String(count),
                             "--dvcqg", stack.urls["dvcqg"]!, "--dvcqg-password", MockSystems.secrets["DVCQG_PASSWORD"]!,
                             "--dvcqg-dstcode", DVCQGMock.devDestination, "--emc", stack.urls["emc"]!, "--emc-site", String(EMCMock.devSiteId)]
        let output = Pipe()
        process.standardOutput = output
        let started = ContinuousClock.now
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let wall = started.duration(to: .now).seconds
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ProcessStackError("the python worker failed (status \(process.terminationStatus))")
        }
        let figures = object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
        let seconds = figures["seconds"] ?? wall
        print("  python worker: \(count) events in \(String(format: "%.1f", seconds)) s, \(Int(figures["failures"] ?? 0)) failed calls")
        // A yardstick whose calls the mocks refuse does less work than the gateway: no figure from it.
        guard (figures["failures"] ?? 0) == 0 else {
            throw ProcessStackError("the python worker's calls were refused \(Int(figures["failures"] ?? 0)) times: it no longer speaks the contracts")
        }
        return [
            "events_per_second": Double(count) / seconds,
            "events_per_second_wall": Double(count) / wall,
            "cpu_ms_per_event": (figures["cpu_seconds"] ?? 0) * 1_000 / Double(count),
            "peak_rss_mib": (figures["peak_rss_kib"] ?? 0) / 1_024,
            "failed_calls": figures["failures"] ?? 0,
        ]
    }

    private static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension Scenarios {
    /// DVCQG answers 503 to everything while `count` events arrive and for `seconds` in all;
    /// then it recovers, and the backlog drains. Memory is read at the end of the outage.
    static func outageAndDrain(_ count: Int, seconds: Int, on stack: ProcessStack) async throws -> [String: Double] {
        let reader = try ResultReader(stack: stack)
        let gateway = try stack.startGateway(group: "bench-outage", name: "bench-outage", overrides: [
            "GATEWAY__targets__bca__enabled": "false", "GATEWAY__targets__vbdlis__enabled": "false",
            "GATEWAY__targets__hotich__enabled": "false",
        ])
        try await gateway.waitUntilJoined()
        try await stack.fault(on: "dvcqg", FaultPlan(status: 503, retryAfterSeconds: 1, count: 100_000_000))
        let outageStarted = ContinuousClock.now
        try await preproduce(count, on: stack)
        var peak = 0
        while outageStarted.duration(to: .now) < .seconds(seconds) {
            peak = max(peak, gateway.peakResidentKilobytes ?? 0)
            try await Task.sleep(for: .milliseconds(500))
        }
        let duringOutage = reader.snapshot()
        try await stack.clearFaults(on: "dvcqg")
        let recovered = ContinuousClock.now
        let settled = await reader.wait(for: { ($0["dvcqg"] ?? 0) >= count && ($0["emc"] ?? 0) >= count }, quietFor: .zero, timeout: .seconds(3_600))
        peak = max(peak, gateway.peakResidentKilobytes ?? 0)
        _ = await gateway.terminate()
        let drained = settled.arrivals(target: "dvcqg").map(\.1).filter { $0 > recovered }.sorted()
        let drainSeconds = drained.isEmpty ? 0 : drained.first!.duration(to: drained.last!).seconds
        print("  outage of \(seconds) s with \(count) events: \(duringOutage["dvcqg"] ?? 0) DVCQG results during it, \(drained.count) after")
        return [
            "peak_rss_mib_during_outage": Double(peak) / 1_024,
            "emc_results_during_outage": Double(duringOutage["emc"] ?? 0),
            "first_dvcqg_result_after_recovery_seconds": drained.first.map { recovered.duration(to: $0).seconds } ?? 0,
            "drain_events_per_second": drainSeconds > 0 ? Double(drained.count) / drainSeconds : 0,
            "dead_letters_or_parked": Double(settled.failures),
            "complete": (settled.counts["dvcqg"] ?? 0) >= count ? 1 : 0,
        ]
    }
}

/// When each event id was seen, written from many tasks.
final class Arrivals: Sendable {
    let times = Mutex<[String: ContinuousClock.Instant]>([:])
    /// The same moments in Unix milliseconds, to compare with record timestamps.
    let wallMilliseconds = Mutex<[String: Int64]>([:])
}

extension Scenarios {
    /// A gateway started with events waiting, killed with SIGKILL once it has delivered them and
    /// started again at once: seconds from each process's start to its first result. In a group
    /// (`membership` "group") the first start waits for the group to form, and the restart for the
    /// dead member's session to time out before the group hands its partitions on; a sole reader
    /// waits for neither.
    static func restartAfterKill(membership: String, on stack: ProcessStack) async throws -> [String: Double] {
        let overrides = [
            "GATEWAY__kafka__membership": membership,
            "GATEWAY__targets__bca__enabled": "false", "GATEWAY__targets__vbdlis__enabled": "false",
            "GATEWAY__targets__hotich__enabled": "false",
        ]
        let group = "bench-restart-\(membership)"
        let producer = try stack.producer()
        let seed = membership == "sole" ? 21 : 11
        let waiting = SampleTraffic(seed: UInt64(seed)).events(count: 200)
        try await producer.sendInDossierOrder(waiting, topic: "dossier.events")
        let reader = try ResultReader(stack: stack)
        let firstStarted = ContinuousClock.now
        let first = try stack.startGateway(group: group, name: "\(group)-1", overrides: overrides)
        let waitingIDs = Set(waiting.map(\.id))
        let firstSettled = await reader.wait(until: { waitingIDs.contains($0) }, timeout: .seconds(120))
        // Every waiting event delivered before the kill, so that the restart starts from a commit.
        _ = await reader.wait(for: { ($0["dvcqg"] ?? 0) >= waiting.count }, quietFor: .zero, timeout: .seconds(120))
        first.kill()
        let later = SampleTraffic(seed: UInt64(seed + 1)).events(count: 200)
        try await producer.sendInDossierOrder(later, topic: "dossier.events")
        await producer.shutdown()
        let laterReader = try ResultReader(stack: stack)
        let started = ContinuousClock.now
        let second = try stack.startGateway(group: group, name: "\(group)-2", overrides: overrides)
        let laterIDs = Set(later.map(\.id))
        let settled = await laterReader.wait(until: { laterIDs.contains($0) }, timeout: .seconds(120))
        await laterReader.close()
        _ = await second.terminate()
        let firstResult = firstSettled.map { firstStarted.duration(to: $0).seconds } ?? -1
        let afterRestart = settled.map { started.duration(to: $0).seconds } ?? -1
        print("  \(membership): first result \(String(format: "%.2f", firstResult)) s after start with events waiting, \(String(format: "%.2f", afterRestart)) s after a restart that followed SIGKILL")
        return ["first_result_seconds": firstResult, "first_result_after_restart_seconds": afterRestart]
    }
}

extension Scenarios {
    /// The producer alone: `count` records of a result's size, each awaited until acknowledged,
    /// 64 at a time, as the gateway writes results and marks. CPU is this process's.
    static func produceOnly(_ count: Int, on stack: ProcessStack) async throws -> [String: Double] {
        let producer = try stack.producer()
        _ = try await producer.partitionCount(of: "gateway.results")
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: 300)
        let cpuBefore = ProcessCPU.seconds()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<64 {
                group.addTask {
                    for index in stride(from: worker, to: count, by: 64) {
                        _ = try await producer.send(KafkaProducerMessage(topic: "gateway.results", key: "dossier-\(index % 5_000)", value: value))
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = started.duration(to: .now).seconds
        let cpu = ProcessCPU.seconds() - cpuBefore
        await producer.shutdown()
        print("  produce only: \(count) acknowledged records in \(String(format: "%.2f", seconds)) s")
        return ["records_per_second": Double(count) / seconds, "cpu_ms_per_record": cpu * 1_000 / Double(count)]
    }
}

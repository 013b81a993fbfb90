import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel
import Kafka
import Logging
import MockSupport
import Synchronization

/// Real processes: `gateway-dev kafka`, `gateway-dev mocks` and any number of `gateway run`,
/// each of which can be killed with SIGKILL or stopped with SIGTERM. The process tests and
/// the benchmark run on it.
package final class ProcessStack: Sendable {
    /// The `gateway` executable every gateway process runs.
    package let binary: URL
    /// The `gateway-dev` executable the broker and the mocks run.
    package let devBinary: URL
    package let contractsDirectory: String

    package let bootstrap: String
    /// Base URL of each mock national system.
    package let urls: [String: String]
    package let partitions: Int
    /// Configuration every gateway of this stack gets before its own overrides.
    private let gatewayDefaults: [String: String]
    private let broker: Process
    private let mocks: Process
    private let scratch: URL

    /// Starts the broker with `partitions` per topic and the mocks, from `devBinary` (by default
    /// the `gateway-dev` beside `binary`).
    package init(partitions: Int = 6, binary: URL, devBinary: URL? = nil, contractsDirectory: String, gatewayDefaults: [String: String] = [:]) throws {
        self.partitions = partitions
        self.binary = binary
        let devBinary = devBinary ?? binary.deletingLastPathComponent().appendingPathComponent("gateway-dev")
        self.devBinary = devBinary
        for executable in [binary, devBinary] where !FileManager.default.isExecutableFile(atPath: executable.path) {
            throw ProcessStackError("\(executable.path) is missing: build it first (swift build --product \(executable.lastPathComponent), with -c release for a release run)")
        }
        self.contractsDirectory = contractsDirectory
        self.gatewayDefaults = gatewayDefaults
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let bootstrapFile = scratch.appendingPathComponent("bootstrap")
        broker = try Self.launch(devBinary, ["kafka", "--partitions", String(partitions), "--bootstrap-file", bootstrapFile.path], log: scratch.appendingPathComponent("kafka.log"))
        bootstrap = try Self.waitForFile(bootstrapFile)
        let portsFile = scratch.appendingPathComponent("ports.json")
        mocks = try Self.launch(devBinary, 
            ["mocks", "--free-ports", "--ports-file", portsFile.path],
            log: scratch.appendingPathComponent("mocks.log")
        )
        let ports = try JSONDecoder().decode([String: Int].self, from: Data(try Self.waitForFile(portsFile).utf8))
        urls = ports.mapValues { "http://127.0.0.1:\($0)" }
    }

    deinit {
        for process in [broker, mocks] where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        // GATEWAY_KEEP_LOGS keeps every process's log for a look after the run.
        if ProcessInfo.processInfo.environment["GATEWAY_KEEP_LOGS"] != nil {
            print("process logs kept in \(scratch.path)")
        } else {
            try? FileManager.default.removeItem(at: scratch)
        }
    }

    static func launch(_ binary: URL, _ arguments: [String], environment: [String: String] = [:], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func waitForFile(_ url: URL, timeout: Duration = .seconds(30)) throws -> String {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if let text = try? String(contentsOf: url, encoding: .utf8), !text.isEmpty { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
            usleep(20_000)
        }
        throw ProcessStackError("\(url.lastPathComponent) did not appear")
    }

    /// A gateway process of group `group`; its log is kept for `hasJoined`.
    package func startGateway(group: String, name: String, overrides: [String: String] = [:]) throws -> GatewayProcess {
        let log = scratch.appendingPathComponent("\(name).log")
        return GatewayProcess(process: try Self.launch(binary, ["run"], environment: gatewayEnvironment(group: group, overrides: overrides), log: log), log: log)
    }

    /// Freezes the broker (SIGSTOP) until `resumeBroker`: to every client it has gone away.
    package func pauseBroker() { kill(broker.processIdentifier, SIGSTOP) }

    package func resumeBroker() { kill(broker.processIdentifier, SIGCONT) }

    /// The environment a gateway of this stack runs with: the broker, the mocks and their secrets, then `overrides`.
    package func gatewayEnvironment(group: String, overrides: [String: String] = [:]) -> [String: String] {
        var environment = MockSystems.secrets.merging([
            "LOG_LEVEL": "info",
            "GATEWAY__kafka__bootstrapServers": bootstrap,
            "GATEWAY__kafka__groupId": group,
            "GATEWAY__kafka__sessionTimeoutMilliseconds": "3000",
            "GATEWAY__contractsDirectory": contractsDirectory,
            // Several gateways share this machine: each admin listener takes a free port.
            "GATEWAY__admin__listen": "127.0.0.1:0",
            // As the systemd unit runs it.
            "MALLOC_ARENA_MAX": "2",
            "MALLOC_MMAP_THRESHOLD_": "131072",
            "GATEWAY__inbound__registryPollIntervalMilliseconds": String(DevStack.registryPollMilliseconds),
            "GATEWAY__inbound__portalPollIntervalMilliseconds": String(DevStack.registryPollMilliseconds),
        ]) { $1 }
        environment.merge(gatewayDefaults) { $1 }
        environment.merge(MockSystems.configurationOverrides(urls: Dictionary(uniqueKeysWithValues: urls.map { (TargetName($0.key), $0.value) }))) { $1 }
        environment.merge(overrides) { $1 }
        return environment
    }

    package func producer(maxMessageBytes: Int? = nil) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: bootstrap, clientID: "process-test"))
        if let maxMessageBytes { configuration.maxMessageBytes = maxMessageBytes }
        return try KafkaProducer(configuration: configuration)
    }

    package func produce(_ events: [DossierEvent], with producer: KafkaProducer) async throws {
        try await producer.sendInDossierOrder(events, topic: "dossier.events")
    }

    /// Reads `gateway.results` until every `eventId/target` in `expected` has a result, or the timeout.
    package func results(covering expected: Set<String>, timeout: Duration) async throws -> [ResultRecord] {
        let partitions = (0..<partitions).map { KafkaTopicPartition(topic: "gateway.results", partition: Int32($0)) }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: bootstrap, clientID: "results-reader"), subscription: .partitions(partitions)),
            logger: Logger(label: "results-reader")
        )
        let collector = Task {
            var records: [ResultRecord] = []
            var missing = expected
            for await event in consumer.events {
                guard case .message(let message) = event,
                      let record = try? JSONCoding.decoder.decode(ResultRecord.self, from: Data(message.value)) else { continue }
                records.append(record)
                missing.remove("\(record.eventId)/\(record.target)")
                if missing.isEmpty { break }
            }
            return records
        }
        let timer = Task { try? await Task.sleep(for: timeout); collector.cancel() }
        let records = await collector.value
        timer.cancel()
        await consumer.close()
        return records
    }

    /// Records `topic` still holds (the embedded broker drops the oldest beyond about 5 MB a partition).
    package func retained(_ topic: String) async throws -> Int {
        let partitions = (0..<partitions).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: bootstrap, clientID: "watermarks"), subscription: .partitions(partitions)),
            logger: Logger(label: "watermarks")
        )
        let marks = try await consumer.watermarks(partitions)
        await consumer.close()
        return Int(marks.values.reduce(0) { $0 + $1.high - $1.low })
    }

    package func journal(of target: String) async throws -> [JournalEntry] {
        let response = try await control(OutboundRequest(method: "GET", url: urls[target]! + "/_control/journal?bodies=false", timeout: .seconds(60)))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([JournalEntry].self, from: Data(response.body))
    }

    /// Requests the mock of `target` has applied so far.
    package func applied(by target: String) async throws -> Int {
        let response = try await control(OutboundRequest(method: "GET", url: urls[target]! + "/_control/journal/count"))
        return Int(AnswerReading.text("applied", in: response.body) ?? "") ?? 0
    }

    /// Plans `plan` at the mock of `target`.
    package func fault(on target: String, _ plan: FaultPlan) async throws {
        _ = try await control(OutboundRequest(url: urls[target]! + "/_control/faults", body: Array(try JSONEncoder().encode(plan))))
    }

    /// Posts `body` to a control route of `target`'s mock (`registry/state`, `registry/pace`); fails unless it is taken.
    package func control(_ target: String, post route: String, _ body: [String: Any]) async throws {
        _ = try await MockControlClient.json(urls[target]!, route, body: body)
    }

    /// Reads a control route of `target`'s mock (`portal/acknowledged`) as JSON.
    package func control(_ target: String, get route: String) async throws -> [String: Any] {
        try await MockControlClient.json(urls[target]!, route, method: "GET")
    }

    /// Reads `topic` from its beginning until `done` says the records read are enough, or the timeout.
    package func read(_ topic: String, timeout: Duration, until done: @escaping @Sendable ([KafkaConsumerMessage]) -> Bool) async throws -> [KafkaConsumerMessage] {
        let partitions = (0..<partitions).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: bootstrap, clientID: "topic-reader"), subscription: .partitions(partitions)),
            logger: Logger(label: "topic-reader")
        )
        let collector = Task {
            var messages: [KafkaConsumerMessage] = []
            for await event in consumer.events {
                guard case .message(let message) = event else { continue }
                messages.append(message)
                if done(messages) { break }
            }
            return messages
        }
        let timer = Task { try? await Task.sleep(for: timeout); collector.cancel() }
        let messages = await collector.value
        timer.cancel()
        await consumer.close()
        return messages
    }

    package func clearFaults(on target: String) async throws {
        _ = try await control(OutboundRequest(method: "DELETE", url: urls[target]! + "/_control/faults"))
    }

    private func control(_ request: OutboundRequest) async throws -> InboundResponse {
        try await MockControlClient.send(request)
    }
}

/// One `gateway run` process.
package final class GatewayProcess: Sendable {
    package let process: Process
    package let log: URL

    init(process: Process, log: URL) {
        self.process = process
        self.log = log
    }

    package var pid: Int32 { process.processIdentifier }
    package var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// True once the group gave it partitions.
    package var hasJoined: Bool { logText.contains("partitions assigned") }

    /// The admin listener's port, once it listens.
    package var adminPort: Int? { listeningPort("admin listening on ") }

    /// The VBDLIS callback listener's port, once it listens.
    package var callbackPort: Int? { listeningPort("vbdlis callbacks listening on ") }

    private func listeningPort(_ announcement: String) -> Int? {
        guard let line = logText.split(separator: "\n").first(where: { $0.contains(announcement) }),
              let range = line.range(of: announcement) else { return nil }
        let address = line[range.upperBound...].prefix { !$0.isWhitespace }
        return address.split(separator: ":").last.flatMap { Int($0) }
    }

    package func waitUntilJoined(timeout: Duration = .seconds(60)) async throws {
        let end = ContinuousClock.now + timeout
        while !hasJoined {
            guard process.isRunning, ContinuousClock.now < end else { throw ProcessStackError("gateway \(pid) did not join: \(logText.suffix(2_000))") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    package func kill() {
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then the exit status (nil when it did not exit in time).
    package func terminate(timeout: Duration = .seconds(30)) async -> Int32? {
        Foundation.kill(pid, SIGTERM)
        let end = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// Peak resident set size in kilobytes (VmHWM), while the process runs.
    package var peakResidentKilobytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// CPU time the process has used, user and system.
    package var cpuSeconds: Double? { ProcessStack.cpuSeconds(of: pid) }
}

extension ProcessStack {
    /// CPU time the broker and the mocks have used so far, user and system.
    package var supportCPUSeconds: (broker: Double, mocks: Double) {
        (Self.cpuSeconds(of: broker.processIdentifier) ?? 0, Self.cpuSeconds(of: mocks.processIdentifier) ?? 0)
    }

    /// CPU time a running process has used, user and system, from `/proc/<pid>/stat`.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is the 3rd field, utime the 14th, stime the 15th.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

package struct ProcessStackError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

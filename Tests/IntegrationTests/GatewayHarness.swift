import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Kafka
import Logging
import MockSupport
import ServiceLifecycle
import Synchronization

/// One embedded stack and one real gateway for a test; stops both at the end.
struct GatewayHarness {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Contracts").path

    /// Retries fast so fault tests finish in seconds; DVCQG alone unless a test enables more.
    static let fastRetries = [
        "GATEWAY__targets__emc__enabled": "false",
        "GATEWAY__targets__bca__enabled": "false",
        "GATEWAY__targets__vbdlis__enabled": "false",
        "GATEWAY__targets__hotich__enabled": "false",
        "GATEWAY__targets__dvcqg__retry__initialBackoffMilliseconds": "10",
        "GATEWAY__targets__dvcqg__retry__maxBackoffMilliseconds": "50",
        "GATEWAY__targets__dvcqg__connection__timeoutMilliseconds": "2000",
        "GATEWAY__delivery__commitIntervalMilliseconds": "50",
    ]

    let stack: DevStack
    let gateway: Gateway
    private let group: ServiceGroup
    private let running: Task<Void, any Error>
    /// Why the gateway stopped, once it has: a wait then fails at once with it, instead of timing out.
    private let ending: Ending

    final class Ending: Sendable {
        let reason = Mutex<String?>(nil)
    }

    static func run<T>(partitions: Int = 3, overrides: [String: String] = [:], _ body: (GatewayHarness) async throws -> T) async throws -> T {
        var logger = Logger(label: "integration")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        let stack = try await DevStack.start(partitions: partitions, contractsDirectory: contracts, logger: logger)
        let configuration = try stack.gatewayConfiguration(groupId: "it-\(UUID().uuidString.prefix(8))", overrides: fastRetries.merging(overrides) { $1 })
        let gateway = Gateway(configuration: configuration, logger: logger, environment: stack.secrets)
        let group = ServiceGroup(configuration: .init(services: [.init(service: gateway)], logger: logger))
        let ending = Ending()
        let running = Task {
            do {
                try await group.run()
                ending.reason.withLock { $0 = "the gateway stopped" }
            } catch {
                ending.reason.withLock { $0 = "the gateway stopped: \(error)" }
                throw error
            }
        }
        let harness = GatewayHarness(stack: stack, gateway: gateway, group: group, running: running, ending: ending)
        do {
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    /// Stops the gateway the way SIGTERM does: graceful shutdown, calls in flight drained.
    func stopGateway() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    func stop() async {
        await stopGateway()
        await stack.shutdown()
    }

    /// The offset the gateway's group has committed on `partition` of the events topic, once it
    /// reaches `expected` or after about five seconds.
    func committed(partition: Int32 = 0, expected: Int64) async throws -> Int64? {
        let events = KafkaTopicPartition(topic: DevStack.topics.events, partition: partition)
        let consumer = try KafkaConsumer(
            configuration: .init(KafkaConfiguration(bootstrapServers: stack.cluster.bootstrapServers),
                                 subscription: .partitions([events], groupID: gateway.configuration.kafka.groupId)),
            logger: .init(label: "probe")
        )
        var committed: Int64?
        for _ in 0..<100 where committed != expected {
            committed = try await consumer.committed([events])[events]
            try await Task.sleep(for: .milliseconds(50))
        }
        await consumer.close()
        return committed
    }

    /// Waits until the gateway has recorded `count` outcomes (and dead-lettered `invalid` records).
    func waitForOutcomes(_ count: Int, invalid: Int = 0, timeout: Duration = .seconds(60)) async throws {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            let snapshot = gateway.statistics.snapshot
            if snapshot.totalOutcomes >= count, snapshot.invalidEvents >= invalid { return }
            try checkRunning()
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("timed out waiting for \(count) outcomes; have \(gateway.statistics.snapshot); \(await readiness())")
    }

    /// Waits until `consumed` events were read and every routed delivery has its outcome.
    func waitUntilIdle(consumed: Int, timeout: Duration = .seconds(90)) async throws -> GatewayStatistics.Snapshot {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            let snapshot = gateway.statistics.snapshot
            if snapshot.eventsConsumed >= consumed, snapshot.totalOutcomes >= snapshot.deliveriesRouted { return snapshot }
            try checkRunning()
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("not idle after \(timeout): \(gateway.statistics.snapshot); \(await readiness())")
    }

    /// What `/health/ready` would answer: whether the group is joined, the broker reachable.
    private func readiness() async -> String {
        let (ready, reasons) = await gateway.monitor.readiness()
        return ready ? "ready" : "not ready: \(reasons.joined(separator: "; "))"
    }

    private func checkRunning() throws {
        if let reason = ending.reason.withLock({ $0 }) { throw HarnessError("\(reason); have \(gateway.statistics.snapshot)") }
    }

    func results(_ count: Int) async throws -> [ResultRecord] {
        let messages = try await stack.read(DevStack.topics.results, count: count, timeout: .seconds(30))
        return try messages.map { try JSONCoding.decoder.decode(ResultRecord.self, from: Data($0.value)) }
    }

    func deadLetters(_ count: Int) async throws -> [KafkaConsumerMessage] {
        try await stack.read(DevStack.topics.dlq, count: count, timeout: .seconds(30))
    }

    func journal(of target: TargetName) async -> [JournalEntry] {
        await stack.mocks.control(target).journal.all()
    }

    func fault(on target: TargetName, _ plan: FaultPlan) async {
        await stack.mocks.control(target).faults.add(plan)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

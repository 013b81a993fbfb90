import DVCQGAdapter
import Foundation
import GatewayCore
import GatewayHTTP
import Kafka
import Logging
import ServiceLifecycle

/// The running gateway: reads `dossier.events`, routes each event to its targets,
/// delivers through the engine, records outcomes and commits offsets behind them.
///
/// Runs as a `Service`: graceful shutdown stops reading, lets calls in flight finish
/// within the deadline, commits what is done and releases Kafka and HTTP clients.
public final class Gateway: Service {
    public let configuration: GatewayConfiguration
    public let statistics = GatewayStatistics()
    private let logger: Logger
    private let environment: [String: String]

    public init(configuration: GatewayConfiguration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configuration = configuration
        self.logger = logger
        self.environment = environment
    }

    public func run() async throws {
        let kafka = configuration.kafka
        let common = KafkaConfiguration(bootstrapServers: kafka.bootstrapServers, clientID: "national-gateway", properties: kafka.properties)
        let transport = AsyncHTTPTransport()
        let adapters = try makeAdapters(transport: transport)
        let router = try Router(rules: configuration.routes, adapters: adapters)
        let engine = DeliveryEngine(adapters: adapters, settings: targetSettings(), logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(common))
        var consumerConfiguration = KafkaConsumerConfiguration(common, subscription: .group(id: kafka.groupId, topics: [kafka.eventsTopic]))
        consumerConfiguration.sessionTimeoutMilliseconds = kafka.sessionTimeoutMilliseconds
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        let ledger = OffsetLedger()
        let recorder = OutcomeRecorder(
            producer: producer, resultsTopic: kafka.resultsTopic, dlqTopic: kafka.dlqTopic,
            contractVersion: DossierEventDecoder.contractVersion, statistics: statistics, logger: logger
        )
        let pipeline = Pipeline(router: router, engine: engine, ledger: ledger, recorder: recorder, statistics: statistics,
                                maxOutstanding: configuration.delivery.maxOutstandingEvents, logger: logger)
        logger.info("gateway starting", metadata: [
            "bootstrap": "\(kafka.bootstrapServers)", "group": "\(kafka.groupId)", "topic": "\(kafka.eventsTopic)",
            "targets": "\(engine.targets.map(\.rawValue).joined(separator: ","))",
        ])

        let consuming = Task { await pipeline.consume(consumer.events) }
        let committing = Task { await Self.commitLoop(consumer: consumer, ledger: ledger, interval: .milliseconds(configuration.delivery.commitIntervalMilliseconds), logger: logger) }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await consuming.value
            } onGracefulShutdown: {
                consuming.cancel()
            }
        } onCancel: {
            consuming.cancel()
        }

        logger.info("gateway stopping: finishing calls in flight")
        await engine.shutdown(deadline: .milliseconds(configuration.delivery.shutdownDeadlineMilliseconds))
        committing.cancel()
        await committing.value
        await Self.commit(consumer: consumer, ledger: ledger, logger: logger)
        await consumer.close()
        await producer.shutdown()
        try? await transport.shutdown()
        let unfinished = await ledger.pending
        logger.info("gateway stopped", metadata: ["unfinished": "\(unfinished)"])
    }

    private func makeAdapters(transport: any HTTPTransport) throws -> [any TargetAdapter] {
        var adapters: [any TargetAdapter] = []
        let dvcqg = configuration.targets.dvcqg
        if dvcqg.enabled {
            let table = try ClassificationTable.load(from: contractPath("dvcqg/classification.json"))
            let password = try dvcqg.connection.password.resolve(environment: environment)
            adapters.append(DVCQGAdapter(configuration: dvcqg.connection, password: password, classification: table, transport: transport, logger: logger))
        }
        guard !adapters.isEmpty else { throw ConfigurationError("no target is enabled") }
        return adapters
    }

    private func targetSettings() -> [TargetName: TargetSettings] {
        [DVCQGAdapter.target: TargetSettings(retry: configuration.targets.dvcqg.retry, maxInFlight: configuration.targets.dvcqg.maxInFlight)]
    }

    private func contractPath(_ relative: String) -> String {
        (configuration.contractsDirectory as NSString).appendingPathComponent(relative)
    }

    static func commitLoop(consumer: KafkaConsumer, ledger: OffsetLedger, interval: Duration, logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await commit(consumer: consumer, ledger: ledger, logger: logger)
        }
    }

    static func commit(consumer: KafkaConsumer, ledger: OffsetLedger, logger: Logger) async {
        let offsets = await ledger.committable()
        guard !offsets.isEmpty else { return }
        do {
            try await consumer.commit(Dictionary(uniqueKeysWithValues: offsets.map {
                (KafkaTopicPartition(topic: $0.key.topic, partition: $0.key.partition), $0.value)
            }))
            await ledger.markCommitted(offsets)
        } catch {
            logger.warning("commit failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}

/// From a Kafka record to submitted deliveries.
struct Pipeline: Sendable {
    let router: Router
    let engine: DeliveryEngine
    let ledger: OffsetLedger
    let recorder: OutcomeRecorder
    let statistics: GatewayStatistics
    let maxOutstanding: Int
    let logger: Logger

    func consume(_ events: KafkaConsumerEvents) async {
        for await event in events {
            switch event {
            case .partitionsAssigned(let partitions):
                logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
                await ledger.assign(partitions.map(PartitionID.init))
            case .partitionsRevoked(let partitions):
                logger.info("partitions revoked", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
                await ledger.revoke(partitions.map(PartitionID.init))
            case .message(let message):
                while await ledger.pending >= maxOutstanding {
                    do { try await Task.sleep(for: .milliseconds(5)) } catch { return }
                }
                await handle(message)
            }
        }
    }

    private func handle(_ message: KafkaConsumerMessage) async {
        statistics.consumed()
        let partition = PartitionID(message.topicPartition)
        let origin = EventOrigin(
            topic: message.topic, partition: message.partition, offset: message.offset,
            timestampMilliseconds: message.timestampMilliseconds, key: message.key, value: message.value,
            headers: message.headers.map { EventOrigin.Header(key: $0.key, value: $0.value) }
        )
        let event: DossierEvent
        do {
            event = try DossierEventDecoder.decode(message.value, key: message.keyText)
        } catch {
            guard let ticket = await ledger.begin(partition, offset: message.offset, outcomes: 1) else { return }
            if await recorder.recordInvalid(origin, reason: error.reason) {
                await ledger.complete(ticket)
            }
            return
        }
        let routes = router.routes(for: event)
        guard let ticket = await ledger.begin(partition, offset: message.offset, outcomes: routes.count) else { return }
        statistics.routed(routes.count)
        for route in routes {
            let delivery = Delivery(event: event, target: route.target, operations: route.operations, origin: origin)
            await engine.submit(delivery) { [recorder, ledger] outcome in
                if await recorder.record(outcome) {
                    await ledger.complete(ticket)
                }
            }
        }
    }
}

extension PartitionID {
    init(_ partition: KafkaTopicPartition) {
        self.init(topic: partition.topic, partition: partition.partition)
    }
}

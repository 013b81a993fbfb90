import AdapterSupport
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel
import HoTichAdapter
import Kafka
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The running gateway: reads `dossier.events`, routes each event to its targets,
/// delivers through the engine, records outcomes and commits offsets behind them.
///
/// Runs as a `Service`: graceful shutdown stops reading, lets calls in flight finish
/// within the deadline, commits what is done and releases Kafka and HTTP clients.
package final class Gateway: Service {
    package let configuration: GatewayConfiguration
    package let statistics: GatewayStatistics
    /// What the admin listener shows of this gateway.
    package let monitor: GatewayMonitor
    let logger: Logger
    let environment: [String: String]
    /// The port VBDLIS's callback listener bound, once it listens.
    let callbackPort = Mutex<Int?>(nil)
    package var callbackListenerPort: Int? { callbackPort.withLock { $0 } }

    package init(
        configuration: GatewayConfiguration, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment,
        metrics: GatewayMetrics = GatewayMetrics()
    ) {
        self.configuration = configuration
        self.logger = logger
        self.environment = environment
        self.statistics = GatewayStatistics(metrics: metrics)
        self.monitor = GatewayMonitor(
            statistics: statistics, criticalTargets: Set(configuration.admin.criticalTargets),
            targets: configuration.targets.filter(\.value.enabled).keys.sorted().map { TargetName($0) }
        )
    }

    package func run() async throws {
        let transport = AsyncHTTPTransport()
        do {
            try await run(transport: transport)
        } catch {
            try? await transport.shutdown()
            throw error
        }
        try? await transport.shutdown()
    }

    private func run(transport: AsyncHTTPTransport) async throws {
        let kafka = configuration.kafka
        let common = KafkaConfiguration(
            bootstrapServers: kafka.bootstrapServers, clientID: "national-gateway", properties: try kafka.resolvedProperties(environment: environment)
        )
        let adapters = try makeAdapters(transport: transport)
        let fatal = FatalCondition()
        var producerConfiguration = KafkaProducerConfiguration(common)
        producerConfiguration.maxMessageBytes = kafka.maxRecordBytes
        let producer = try KafkaProducer(configuration: producerConfiguration) { error in
            fatal.raise("the Kafka producer raised a fatal error: \(error.message)")
        }
        let parking = try KafkaParkingLot(
            producer: producer, configuration: common, topic: kafka.parkedTopic,
            partitionCount: try await producer.partitionCount(of: kafka.parkedTopic), fatal: fatal, metrics: statistics.metrics, logger: logger
        )
        let marks = KafkaDeliveryMarks(
            producer: producer, configuration: common, topic: kafka.deliveredTopic,
            partitionCount: try await producer.partitionCount(of: kafka.deliveredTopic), fatal: fatal,
            finishedMemoryRetention: .seconds(configuration.delivery.finishedMemoryRetentionHours * 3_600), metrics: statistics.metrics, logger: logger
        )
        // The topics written to are known before the first event: a missing one stops the start
        // with its name, and the first results do not wait for the producer to look them up.
        for topic in [kafka.resultsTopic, kafka.dlqTopic] { _ = try await producer.partitionCount(of: topic) }
        let inbound = try await makeInbound(adapters: adapters, transport: transport, producer: producer, common: common, fatal: fatal)
        let enabled = Set(adapters.map(\.target))
        let rules = configuration.routes.filter { rule in
            guard !enabled.contains(rule.target), configuration.targets[rule.target.rawValue] != nil else { return true }
            logger.notice("route ignored: its target is disabled", metadata: [LogKey.target: "\(rule.target)", "operations": "\(rule.operations.joined(separator: ","))"])
            return false
        }
        let router = try Router(rules: rules, adapters: adapters)
        let engine = DeliveryEngine(adapters: adapters, settings: targetSettings(), parking: parking, marks: marks, logger: logger)
        let subscription: KafkaConsumerConfiguration.Subscription
        if kafka.membership == "sole" {
            let count = try await producer.partitionCount(of: kafka.eventsTopic)
            subscription = .soleReader(groupID: kafka.groupId, partitions: (0..<Int32(count)).map { KafkaTopicPartition(topic: kafka.eventsTopic, partition: $0) })
        } else {
            subscription = .group(id: kafka.groupId, topics: [kafka.eventsTopic])
        }
        var consumerConfiguration = KafkaConsumerConfiguration(common, subscription: subscription)
        consumerConfiguration.sessionTimeout = .milliseconds(kafka.sessionTimeoutMilliseconds)
        consumerConfiguration.startsAssignedPartitionsPaused = true
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        let ledger = OffsetLedger()
        let recorder = OutcomeRecorder(
            producer: producer, resultsTopic: kafka.resultsTopic, dlqTopic: kafka.dlqTopic,
            contractVersion: DossierEventDecoder.contractVersion, maxRecordBytes: kafka.maxRecordBytes - 4_096,
            statistics: statistics, fatal: fatal, logger: logger
        )
        let flow = FlowControl(
            consumer: consumer, ledger: ledger, limit: configuration.delivery.maxBacklogPerPartition,
            byteBudget: configuration.delivery.maxBacklogBytes, intake: consumerConfiguration.partitionFetchBytes, logger: logger
        )
        let pipeline = Pipeline(
            router: router, engine: engine, ledger: ledger, recorder: recorder,
            outcomes: OutcomeWriter(parking: parking, marks: marks, records: recorder, followUp: inbound.followUp, logger: logger), parking: parking, marks: marks,
            followers: inbound.followers, flow: flow, consumer: consumer, statistics: statistics, monitor: monitor,
            maxEventBytes: configuration.delivery.maxEventBytes, logger: logger
        )
        logger.info("gateway starting", metadata: [
            "bootstrap": "\(kafka.bootstrapServers)", "group": "\(kafka.groupId)", "membership": "\(kafka.membership)", "topic": "\(kafka.eventsTopic)",
            "targets": "\(engine.targets.map(\.rawValue).joined(separator: ","))",
        ])

        // The whole stop fits in the deadline: calls in flight get it less what closing the
        // Kafka clients needs, and the producer flushes what is left within the rest.
        let deadline = Duration.milliseconds(configuration.delivery.shutdownDeadlineMilliseconds)
        let closing = min(.seconds(2), deadline / 2)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ProducerService(producer: producer, flushDeadline: closing)),
            .init(service: parking),
        ]
        services += inbound.services.map { .init(service: $0) }
        services += [
            .init(service: OffsetCommitter(
                pipeline: pipeline, flow: flow, engine: engine, consumer: consumer, statistics: statistics,
                interval: .milliseconds(configuration.delivery.commitIntervalMilliseconds)
            )),
            .init(service: EngineService(engine: engine, drainDeadline: deadline - closing, logger: logger)),
            .init(service: EventIntake(pipeline: pipeline, events: consumer.events)),
            .init(service: FatalWatcher(fatal: fatal, logger: logger), failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        monitor.attach(GatewayMonitor.Parts(
            engine: engine, consumer: consumer, producer: producer, ledger: ledger, parking: parking, flow: flow, eventsTopic: kafka.eventsTopic,
            registryWatch: inbound.registryWatch, portalInbox: inbound.portalInbox, callbackPort: { [self] in callbackListenerPort }
        ))
        defer { monitor.detach() }
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        // Past this, graceful shutdown escalates to cancellation.
        group.maximumGracefulShutdownDuration = deadline + .seconds(5)
        let stopped: (any Error)?
        do {
            try await ServiceGroup(configuration: group).run()
            stopped = fatal.reason.map { GatewayFailure(description: $0) }
        } catch {
            stopped = error
        }
        let unfinished = ledger.pending
        logger.info("gateway stopped", metadata: ["unfinished": "\(unfinished)"])
        if let stopped { throw stopped }
    }

    private func makeAdapters(transport: AsyncHTTPTransport) throws -> [any TargetAdapter] {
        var adapters: [any TargetAdapter] = []
        for system in AdapterRegistry.systems {
            guard let target = configuration.targets[system.target.rawValue], target.enabled else { continue }
            let tls: TLSConfiguration
            do {
                tls = try target.tls.makeConfiguration(environment: environment)
            } catch {
                throw ConfigurationError("targets.\(system.target).\(error)")
            }
            let measured = MeasuredTransport(target: system.target, inner: transport.using(tls), activity: monitor.activity(of: system.target), metrics: statistics.metrics)
            let adapter = try configuration.makeAdapter(system, transport: measured, environment: environment, logger: logger)
            adapters.append(MeasuredAdapter(inner: adapter, metrics: statistics.metrics))
        }
        guard !adapters.isEmpty else { throw ConfigurationError("no target is enabled") }
        return adapters
    }

    private func targetSettings() -> [TargetName: TargetSettings] {
        Dictionary(uniqueKeysWithValues: configuration.targets.map { (TargetName($0.key), $0.value.settings) })
    }
}

/// From a Kafka record to submitted deliveries, and rebalances handled in line.
struct Pipeline: Sendable {
    let router: Router
    let engine: DeliveryEngine
    let ledger: OffsetLedger
    let recorder: OutcomeRecorder
    /// Makes every finished delivery durable: parking, dead letter, result, mark.
    let outcomes: OutcomeWriter
    let parking: KafkaParkingLot
    let marks: KafkaDeliveryMarks
    /// What else follows the assigned partitions (the registry watch, the portal's inbox).
    let followers: [any PartitionFollower]
    let gate = ParkingGate()
    let flow: FlowControl
    let consumer: KafkaConsumer
    let statistics: GatewayStatistics
    let monitor: GatewayMonitor
    let maxEventBytes: Int
    let logger: Logger

    func consume(_ events: KafkaConsumerEvents) async {
        for await event in events {
            switch event {
            case .partitionsAssigned(let partitions):
                monitor.joined()
                logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
                let assigned = partitions.map(PartitionID.init)
                await flow.forget(Set(assigned))
                ledger.assign(assigned)
                let generation = await gate.close(assigned)
                let admitting = Task { await admit(assigned, generation: generation) }
                await gate.track(admitting, generation: generation)
            case .partitionsRevoked(let partitions, let revocation):
                let revoked = Set(partitions.map(PartitionID.init))
                logger.info("partitions revoked: releasing their work", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
                await gate.forget(revoked)
                await engine.abandon(revoked)
                await commit()
                ledger.revoke(Array(revoked))
                marks.forget(revoked)
                for follower in followers { await follower.forget(revoked) }
                await flow.forget(revoked)
                revocation.finish()
            case .message(let message):
                await gate.submit(message, handle: handle)
                await flow.check(PartitionID(message.topicPartition))
            case .endOfPartition:
                break
            }
        }
        await gate.stop()
    }

    /// Reads the parking state and the partitions' delivery marks to their end, retrying with a
    /// growing pause for as long as the partitions stay assigned, then lets their events through
    /// and resumes fetching them.
    private func admit(_ partitions: [PartitionID], generation: Int) async {
        var pause = Duration.milliseconds(500)
        var failures = 0
        while !Task.isCancelled {
            do {
                let started = ContinuousClock.now
                try await parking.catchUp()
                let caughtUp = ContinuousClock.now
                try await marks.restore(partitions)
                for follower in followers { try await follower.restore(partitions) }
                logger.info("assigned partitions admitted", metadata: [
                    "partitions": "\(partitions.count)", "parkingMs": "\(started.duration(to: caughtUp).wholeMilliseconds)", "marksMs": "\(caughtUp.duration(to: .now).wholeMilliseconds)",
                ])
                break
            } catch {
                failures += 1
                let level: Logger.Level = failures >= 3 ? .critical : .error
                logger.log(level: level, "parking state or delivery marks not read: holding the assigned partitions' events", metadata: [
                    "partitions": "\(partitions.map(\.description).joined(separator: ","))", "error": "\(error)", "failures": "\(failures)",
                ])
                guard await partitions.asyncContains(where: { await gate.isClosed($0, generation: generation) }) else { return }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(30))
            }
        }
        guard !Task.isCancelled else { return }
        let opened = await gate.open(partitions, generation: generation, handle: handle)
        do {
            try consumer.resume(opened.map(KafkaTopicPartition.init))
        } catch {
            logger.error("could not resume assigned partitions", metadata: ["error": "\(error)"])
        }
    }

    func commit() async {
        let offsets = ledger.committable()
        guard !offsets.isEmpty else { return }
        do {
            try await consumer.commit(Dictionary(uniqueKeysWithValues: offsets.map { (KafkaTopicPartition($0.key), $0.value) }))
            ledger.markCommitted(offsets)
            marks.committed(offsets)
        } catch {
            logger.warning("commit failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    @Sendable private func handle(_ message: KafkaConsumerMessage) async {
        statistics.consumed()
        let partition = PartitionID(message.topicPartition)
        let origin = EventOrigin(
            topic: message.topic, partition: message.partition, offset: message.offset,
            timestampMilliseconds: message.timestampMilliseconds, key: message.key, value: message.value,
            headers: message.headers.map { EventOrigin.Header(key: $0.key, value: $0.value) }
        )
        let event: DossierEvent
        let replay: Replay?
        do throws(InvalidEvent) {
            // A record without a key could land on any partition: the key must be the dossier code.
            event = try DossierEventDecoder.decode(message.value, key: message.keyText ?? "", maxBytes: maxEventBytes)
            replay = try Replay(headers: origin.headers)
            if let replay, !engine.targets.contains(replay.target) {
                throw InvalidEvent("replay for target \(replay.target), which is not configured and enabled here")
            }
        } catch {
            guard let ticket = ledger.begin(partition, offset: message.offset, outcomes: 1, bytes: message.value.count) else { return }
            // Off the consume loop, tracked by the ledger like any outcome: however long the
            // dead letter takes, polling and rebalances go on.
            Task { [recorder, ledger] in
                if await recorder.recordInvalid(origin, reason: error.reason) {
                    ledger.complete(ticket)
                }
            }
            return
        }
        var routes = router.routes(for: event)
        if let replay {
            // A replay goes to its one target, with the operations today's routing gives it there.
            routes = [Route(target: replay.target, operations: routes.first { $0.target == replay.target }?.operations ?? [])]
        }
        guard let ticket = ledger.begin(partition, offset: message.offset, outcomes: routes.count, bytes: message.value.count) else { return }
        statistics.routed(routes.count)
        let trace = DeliveryTrace.parent(in: origin.headers)
        for route in routes {
            let delivery = Delivery(
                event: event, target: route.target, operations: route.operations, origin: origin, replay: replay, trace: DeliveryTrace.child(of: trace)
            )
            await engine.submit(delivery) { [outcomes, ledger] outcome in
                guard await outcomes.write(outcome) else { return }
                ledger.complete(ticket)
            }
        }
    }
}

extension Sequence where Element: Sendable {
    func asyncContains(where predicate: (Element) async -> Bool) async -> Bool {
        for element in self where await predicate(element) { return true }
        return false
    }
}

extension PartitionID {
    init(_ partition: KafkaTopicPartition) {
        self.init(topic: partition.topic, partition: partition.partition)
    }
}

extension KafkaTopicPartition {
    init(_ partition: PartitionID) {
        self.init(topic: partition.topic, partition: partition.partition)
    }
}

import GatewayCore
import Kafka
import Logging
import ServiceLifecycle

// The services `Gateway` composes, in the order they start. Graceful shutdown stops them in
// the reverse order, each once the one after it has finished: the read loop stops, the engine
// drains, the last offsets are committed and the consumer leaves, the parking reader stops,
// and the producer flushes what everything before it wrote.

/// Owns the producer for the gateway's life: flushes and releases it when its turn comes, last.
struct ProducerService: Service {
    let producer: KafkaProducer
    /// How long the final flush may take.
    let flushDeadline: Duration

    func run() async {
        try? await gracefulShutdown()
        await producer.shutdown(timeout: flushDeadline)
    }
}

/// Commits finished offsets on a timer, resumes drained partitions and refreshes the statistics;
/// when its turn to stop comes, commits once more and closes the consumer.
struct OffsetCommitter: Service {
    let pipeline: Pipeline
    let flow: FlowControl
    let engine: DeliveryEngine
    let consumer: KafkaConsumer
    let statistics: GatewayStatistics
    let interval: Duration

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await pipeline.commit()
                await flow.resumeDrained()
                statistics.pausedTargets(await engine.breakerStates().filter { $0.value != .closed }.map(\.key))
            }
        }
        await pipeline.commit()
        await consumer.close()
    }
}

/// Lets the engine run; when its turn to stop comes, lets calls in flight finish within the
/// deadline, then cancels what still runs.
struct EngineService: Service {
    let engine: DeliveryEngine
    let drainDeadline: Duration
    let logger: Logger

    func run() async {
        try? await gracefulShutdown()
        logger.info("gateway stopping: finishing calls in flight")
        await engine.shutdown(deadline: drainDeadline)
    }
}

/// The read loop: records from `dossier.events` to deliveries, until graceful shutdown.
struct EventIntake: Service {
    let pipeline: Pipeline
    let events: KafkaConsumerEvents

    func run() async {
        await cancelWhenGracefulShutdown { await pipeline.consume(events) }
    }
}

/// Turns a fatal condition into the group's graceful shutdown, and into the error
/// `gateway run` exits with.
struct FatalWatcher: Service {
    let fatal: FatalCondition
    let logger: Logger

    func run() async throws {
        guard let reason = await cancelWhenGracefulShutdown({ await fatal.wait() }) else { return }
        logger.critical("GATEWAY STOPPING: \(reason)")
        throw GatewayFailure(description: reason)
    }
}

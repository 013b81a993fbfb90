import Foundation
import GatewayModel
import Kafka
import Logging
import Synchronization

/// Publishes the callbacks a national system makes on the inbound topic and says when Kafka has
/// them: each dossier's in the order they came, and each id once, also when the caller sends a
/// call again because its answer was lost (within the ids remembered, which a start reads back
/// from the tail of the inbound topic).
actor CallbackPublisher {
    enum Outcome: Equatable {
        case published
        case alreadyPublished
        /// Kafka did not acknowledge in time: the caller should send again.
        case unavailable(String)
        /// The record can never be written as it is.
        case refused(String)
    }

    private let inbound: InboundTopic
    private let idPrefix: String
    private let timeout: Duration
    private let recent: RecentIDs
    private var tails: [String: Task<Outcome, Never>] = [:]
    /// Sends still waiting for Kafka, by event id.
    private var inFlight: [String: Task<Result<Void, any Error>, Never>] = [:]

    init(inbound: InboundTopic, idPrefix: String, timeout: Duration = .seconds(10), remembered: Int = 50_000) {
        self.inbound = inbound
        self.idPrefix = idPrefix
        self.timeout = timeout
        self.recent = RecentIDs(capacity: remembered)
    }

    /// Reads the ids of the last records of every inbound partition, so that a call sent again
    /// after a restart is recognised.
    func remember(lastRecordsPerPartition window: Int64 = 20_000) async throws {
        let all = (0..<inbound.partitions).map { KafkaTopicPartition(topic: inbound.name, partition: Int32($0)) }
        let marks = try await inbound.producer.watermarks(all)
        let starts = Dictionary(uniqueKeysWithValues: marks.map { ($0.key.partition, max($0.value.low, $0.value.high - window)) })
        var found = 0
        let prefix = idPrefix, recent = self.recent
        try await inbound.identities(from: starts) { envelope, _, _ in
            guard envelope.id.hasPrefix(prefix) else { return }
            recent.insert(envelope.id)
            found += 1
        }
        inbound.logger.info("callback ids read back from the inbound topic", metadata: ["ids": "\(found)"])
    }

    /// Publishes `value` as the event `id` of `dossier`, after every earlier call of the same dossier.
    func publish(id: String, dossier: String, value: [UInt8]) async -> Outcome {
        let previous = tails[dossier]
        let task = Task { () -> Outcome in
            _ = await previous?.value
            return await self.send(id: id, dossier: dossier, value: value)
        }
        tails[dossier] = task
        let outcome = await task.value
        if tails[dossier] == task { tails[dossier] = nil }
        return outcome
    }

    /// Sends the record unless Kafka has it already, or joins the send of it still under way (a
    /// call sent again while its first send waits for Kafka), and waits for Kafka up to the timeout.
    private func send(id: String, dossier: String, value: [UInt8]) async -> Outcome {
        if recent.contains(id) { return .alreadyPublished }
        let sending: Task<Result<Void, any Error>, Never>
        if let underway = inFlight[id] {
            sending = underway
        } else {
            let message = KafkaProducerMessage(topic: inbound.name, key: dossier, value: value, partition: inbound.partition(of: dossier))
            sending = Task { [producer = inbound.producer, recent] in
                do {
                    _ = try await producer.send(message)
                    recent.insert(id)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            inFlight[id] = sending
            // Inherits this actor: forgets the send once Kafka answered, however long it took.
            Task {
                _ = await sending.value
                settled(id)
            }
        }
        switch await Self.first(sending, within: timeout) {
        case .success?: return .published
        case .failure(let error as KafkaError)? where error.isPermanentForRecord: return .refused(error.message)
        case .failure(let error)?: return .unavailable("\(error)")
        case nil: return .unavailable("Kafka did not acknowledge within \(timeout)")
        }
    }

    private func settled(_ id: String) { inFlight[id] = nil }

    /// The task's result, or nil when `timeout` passes first; the task itself runs on.
    private static func first<T: Sendable>(_ task: Task<T, Never>, within timeout: Duration) async -> T? {
        let (settled, settle) = AsyncStream.makeStream(of: Optional<T>.self, bufferingPolicy: .bufferingOldest(1))
        Task { settle.yield(await task.value) }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            settle.yield(nil)
        }
        var first: T?? = nil
        for await value in settled {
            first = value
            break
        }
        timer.cancel()
        settle.finish()
        return first ?? nil
    }
}

/// The last `capacity` ids seen, oldest forgotten first.
final class RecentIDs: Sendable {
    private let state: Mutex<(set: Set<String>, order: [String], head: Int)>
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.state = Mutex((set: [], order: [], head: 0))
    }

    func contains(_ id: String) -> Bool { state.withLock { $0.set.contains(id) } }

    func insert(_ id: String) {
        state.withLock { state in
            guard state.set.insert(id).inserted else { return }
            if state.order.count < capacity {
                state.order.append(id)
            } else {
                state.set.remove(state.order[state.head])
                state.order[state.head] = id
                state.head = (state.head + 1) % capacity
            }
        }
    }
}

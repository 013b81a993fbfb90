import CRdKafka
import Foundation
import Logging
import Synchronization

/// The consumer's events as an async sequence; reading one frees room in the buffer.
package struct KafkaConsumerEvents: AsyncSequence, Sendable {
    package typealias Element = KafkaConsumerEvent
    let stream: AsyncStream<BufferedEvent>
    let context: ConsumerContext

    package struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var base: AsyncStream<BufferedEvent>.AsyncIterator
        fileprivate let context: ConsumerContext

        package mutating func next() async -> KafkaConsumerEvent? {
            while true {
                switch await base.next() {
                case .message(let message, let epoch):
                    context.consumed(bytes: message.value.count)
                    // Fetched under an assignment that has since ended: it belongs to whoever
                    // owns the partition now, or is fetched again under the new assignment.
                    guard context.isCurrent(message.topicPartition, epoch: epoch) else { continue }
                    return .message(message)
                case .event(let event):
                    if case .endOfPartition = event { context.consumed() }
                    return event
                case nil:
                    return nil
                }
            }
        }
    }

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), context: context)
    }
}

/// What waits in the buffer: a message with the epoch of the assignment it was fetched under,
/// or any other event.
enum BufferedEvent: Sendable {
    case message(KafkaConsumerMessage, epoch: UInt64)
    case event(KafkaConsumerEvent)
}

/// What the poll thread and the reader share: the bounded buffer between them, the epochs
/// of assignments, and how a revocation waits for the reader.
final class ConsumerContext: Sendable {
    let continuation: AsyncStream<BufferedEvent>.Continuation
    let revocationTimeout: Duration
    let startsPaused: Bool
    let logger: Logger
    private let capacity: Int
    private let byteCapacity: Int
    private let buffered = Atomic<Int>(0)
    private let bufferedBytes = Atomic<Int>(0)
    /// Per partition, which assignment of it is current: every assignment and revocation moves
    /// it on, so a record buffered under an earlier one is recognised as stale.
    private let epochs = Mutex<(next: UInt64, current: [KafkaTopicPartition: UInt64])>((1, [:]))
    private let closing = Atomic<Bool>(false)
    /// Set while the poll thread waits for room; the reader signals `room` when it frees some.
    private let awaitingRoom = Atomic<Bool>(false)
    private let room = DispatchSemaphore(value: 0)

    init(continuation: AsyncStream<BufferedEvent>.Continuation, capacity: Int, byteCapacity: Int, revocationTimeout: Duration, startsPaused: Bool, logger: Logger) {
        self.continuation = continuation
        self.startsPaused = startsPaused
        self.capacity = max(1, capacity)
        self.byteCapacity = max(1, byteCapacity)
        self.revocationTimeout = revocationTimeout
        self.logger = logger
    }

    /// Set once the consumer closes: the final revocation does not wait for the reader.
    var isClosing: Bool {
        get { closing.load(ordering: .acquiring) }
        set { closing.store(newValue, ordering: .releasing) }
    }

    /// Below both limits; one record larger than the byte limit still gets in alone.
    var hasRoom: Bool { buffered.load(ordering: .relaxed) < capacity && bufferedBytes.load(ordering: .relaxed) < byteCapacity }

    /// Down to half of both limits: a full buffer waits for this, so that the poll thread and
    /// the reader do not hand over one record at a time, each waking the other.
    var hasRoomToRefill: Bool {
        buffered.load(ordering: .relaxed) <= capacity / 2 && bufferedBytes.load(ordering: .relaxed) <= byteCapacity / 2
    }

    /// Called by the poll thread while the buffer is full: returns once the reader has emptied
    /// it to half, or after `patience` at the latest, so that the thread can notice it is being stopped.
    func waitForRoom(patience: DispatchTimeInterval) {
        awaitingRoom.store(true, ordering: .sequentiallyConsistent)
        // Room freed before the flag was seen is caught here; after it, the reader signals.
        guard !hasRoomToRefill else {
            awaitingRoom.store(false, ordering: .relaxed)
            return
        }
        _ = room.wait(timeout: .now() + patience)
        awaitingRoom.store(false, ordering: .relaxed)
    }

    /// An assignment or a revocation: records buffered before it are stale from now on.
    func startEpoch(of partitions: [KafkaTopicPartition]) {
        epochs.withLock { state in
            for partition in partitions {
                state.current[partition] = state.next
                state.next += 1
            }
        }
    }

    /// The current assignment's epoch of `partition` (0 for partitions read directly).
    func epoch(of partition: KafkaTopicPartition) -> UInt64 {
        epochs.withLock { $0.current[partition] ?? 0 }
    }

    func isCurrent(_ partition: KafkaTopicPartition, epoch: UInt64) -> Bool {
        self.epoch(of: partition) == epoch
    }

    func deliver(_ message: KafkaConsumerMessage) {
        buffered.add(1, ordering: .relaxed)
        bufferedBytes.add(message.value.count, ordering: .relaxed)
        continuation.yield(.message(message, epoch: epoch(of: message.topicPartition)))
    }

    func deliver(_ event: KafkaConsumerEvent) {
        buffered.add(1, ordering: .relaxed)
        continuation.yield(.event(event))
    }

    /// Logs and releases the error a librdkafka call returned, if any.
    func report(_ failure: OpaquePointer?, _ call: String) {
        guard let failure else { return }
        logger.error("\(call) failed", metadata: ["error": "\(String(cString: rd_kafka_error_string(failure)))"])
        rd_kafka_error_destroy(failure)
    }

    func consumed(bytes: Int = 0) {
        buffered.subtract(1, ordering: .sequentiallyConsistent)
        if bytes > 0 { bufferedBytes.subtract(bytes, ordering: .sequentiallyConsistent) }
        if awaitingRoom.load(ordering: .sequentiallyConsistent), hasRoomToRefill, awaitingRoom.exchange(false, ordering: .sequentiallyConsistent) {
            room.signal()
        }
    }
}

extension KafkaConsumerMessage {
    init(copying pointer: UnsafeMutablePointer<rd_kafka_message_t>) {
        let message = pointer.pointee
        let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let value = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) }
        let key = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        var headers: [KafkaHeader] = []
        var rawHeaders: OpaquePointer?
        if rd_kafka_message_headers(pointer, &rawHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let rawHeaders {
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(rawHeaders, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "", value: bytes))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(pointer, &timestampType)
        self.init(
            topic: topic,
            partition: message.partition,
            offset: message.offset,
            key: key,
            value: value ?? [],
            isTombstone: value == nil,
            headers: headers,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }
}

import Dispatch

/// A topic and one of its partitions.
package struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible {
    package let topic: String
    package let partition: Int32

    package init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    package var description: String { "\(topic)[\(partition)]" }
}

/// A Kafka record header. Values are bytes; most of ours are UTF-8 text.
package struct KafkaHeader: Hashable, Sendable {
    package let key: String
    package let value: [UInt8]

    package init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }

    package init(key: String, text: String) {
        self.init(key: key, value: Array(text.utf8))
    }

    package var text: String { String(decoding: value, as: UTF8.self) }
}

extension Array where Element == KafkaHeader {
    /// The text of the first header named `key`.
    package func text(_ key: String) -> String? {
        first { $0.key == key }?.text
    }
}

/// A record to send.
package struct KafkaProducerMessage: Sendable {
    package var topic: String
    package var key: [UInt8]?
    /// Nil sends a tombstone, which deletes the key from a compacted topic.
    package var value: [UInt8]?
    package var headers: [KafkaHeader]
    /// Nil lets the partitioner choose from the key.
    package var partition: Int32?

    package init(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    package init(topic: String, key: String?, value: [UInt8]?, headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers, partition: partition)
    }
}

/// Where the broker stored an acknowledged record.
package struct KafkaDeliveryReport: Sendable {
    package let topic: String
    package let partition: Int32
    package let offset: Int64
}

/// A record read from a partition.
package struct KafkaConsumerMessage: Sendable {
    package let topic: String
    package let partition: Int32
    package let offset: Int64
    package let key: [UInt8]?
    package let value: [UInt8]
    /// The record has no value at all: a deletion in a compacted topic.
    package let isTombstone: Bool
    package let headers: [KafkaHeader]
    /// Milliseconds since the epoch, or nil when the record has none.
    package let timestampMilliseconds: Int64?

    package var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
    package var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    package init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], isTombstone: Bool = false, headers: [KafkaHeader], timestampMilliseconds: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.isTombstone = isTombstone
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }
}

/// What a consumer reports, in the order it happened.
package enum KafkaConsumerEvent: Sendable {
    case message(KafkaConsumerMessage)
    /// The group gave this instance these partitions; messages of them follow.
    case partitionsAssigned([KafkaTopicPartition])
    /// These partitions are being taken away. Until `revocation.finish()` is called (or the
    /// consumer's revocation timeout passes) they stay assigned, so the reader can stop its
    /// work on them and commit; afterwards they belong to another instance.
    case partitionsRevoked([KafkaTopicPartition], KafkaRevocation)
    /// Everything in the partition up to `offset` (its high watermark then) has been read; only
    /// with `reportsEndOfPartition`.
    case endOfPartition(KafkaTopicPartition, offset: Int64)
}

/// Lets a rebalance wait until the reader has let go of revoked partitions.
package final class KafkaRevocation: Sendable {
    private let released = DispatchSemaphore(value: 0)

    init() {}

    /// The reader is done with the revoked partitions.
    package func finish() {
        released.signal()
    }

    func wait(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        return released.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    }
}

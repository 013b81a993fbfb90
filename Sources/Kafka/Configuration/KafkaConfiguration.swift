/// librdkafka properties shared by producers and consumers.
///
/// Typed fields cover what the gateway sets itself; `properties` passes any other
/// librdkafka setting through unchanged (TLS, SASL, tuning).
package struct KafkaConfiguration: Sendable {
    package var bootstrapServers: String
    package var clientID: String
    package var properties: [String: String]

    package init(bootstrapServers: String, clientID: String = "national-gateway", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    var dictionary: [String: String] {
        var all = ["bootstrap.servers": bootstrapServers, "client.id": clientID]
        all.merge(properties) { _, explicit in explicit }
        return all
    }
}

/// Settings of an idempotent producer whose sends are awaited until acknowledged.
package struct KafkaProducerConfiguration: Sendable {
    package var common: KafkaConfiguration
    /// How long a message may wait for its acknowledgement before it fails.
    package var messageTimeout: Duration = .seconds(30)
    package var linger: Duration = .milliseconds(2)
    /// The largest record the producer accepts (`message.max.bytes`).
    package var maxMessageBytes: Int = 1_000_000

    package init(_ common: KafkaConfiguration) {
        self.common = common
    }

    var dictionary: [String: String] {
        var all = [
            "enable.idempotence": "true",
            "acks": "all",
            "message.timeout.ms": String(messageTimeout.milliseconds32),
            "linger.ms": String(linger.milliseconds32),
            "message.max.bytes": String(maxMessageBytes),
        ]
        all.merge(common.dictionary) { _, explicit in explicit }
        return all
    }
}

/// Settings of a consumer-group consumer with manual offset commits.
package struct KafkaConsumerConfiguration: Sendable {
    package enum Subscription: Sendable {
        /// Join `groupID` and let the group assign partitions of these topics.
        case group(id: String, topics: [String])
        /// Read these partitions directly from their beginning, without joining a group;
        /// `groupID` only names whose committed offsets `committed` reads.
        case partitions([KafkaTopicPartition], groupID: String? = nil)
        /// Read these partitions as `groupID`'s only reader, without joining the group: no
        /// rebalance delays the start, each partition starts at the group's committed offset (or
        /// where `startFromEarliest` says), and commits are the group's. Nothing keeps a second
        /// such reader away, so exactly one may run.
        case soleReader(groupID: String, partitions: [KafkaTopicPartition])
    }

    package var common: KafkaConfiguration
    package var subscription: Subscription
    /// Must stay at 3 s or above: rebalances take about this long minus one second.
    package var sessionTimeout: Duration = .seconds(6)
    package var maxPollInterval: Duration = .seconds(300)
    /// Where a partition without a committed offset starts.
    package var startFromEarliest: Bool = true
    /// How many polled events may wait for the reader before polling waits too.
    package var bufferCapacity: Int = 1_000
    /// How many bytes of record values may wait for the reader before polling waits too.
    package var bufferBytes: Int = 4 << 20
    /// How long a rebalance waits for the reader to release revoked partitions.
    package var revocationTimeout: Duration = .seconds(15)
    /// librdkafka's prefetch queue, bounding memory held ahead of the reader.
    package var prefetchKilobytes: Int = 8_192
    /// How much of one partition a fetch asks for (a record larger than this still comes whole):
    /// what a partition resumed may bring in at once.
    package var partitionFetchBytes: Int = 1 << 20
    /// How long a broker may hold a fetch that finds nothing new. A real broker answers as soon
    /// as a record arrives; some (the embedded one among them) answer only when this runs out,
    /// so librdkafka's 500 ms would be the latency of an idle topic's next event.
    package var fetchWait: Duration = .milliseconds(10)
    /// Newly assigned partitions start paused, for a reader that must prepare before it reads
    /// them; it resumes them itself. Otherwise an assigned partition always starts fetching.
    package var startsAssignedPartitionsPaused: Bool = false
    /// Reports `.endOfPartition` each time the reader reaches a partition's end.
    package var reportsEndOfPartition: Bool = false
    /// With `.partitions`: where to start reading each partition (by number); the others start at their beginning.
    package var startOffsets: [Int32: Int64] = [:]

    package init(_ common: KafkaConfiguration, subscription: Subscription) {
        self.common = common
        self.subscription = subscription
    }

    var dictionary: [String: String] {
        var all = [
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": startFromEarliest ? "earliest" : "latest",
            "session.timeout.ms": String(sessionTimeout.milliseconds32),
            "heartbeat.interval.ms": String(max(100, sessionTimeout.milliseconds32 / 3)),
            "max.poll.interval.ms": String(maxPollInterval.milliseconds32),
            "enable.partition.eof": reportsEndOfPartition ? "true" : "false",
            "queued.max.messages.kbytes": String(prefetchKilobytes),
            "fetch.wait.max.ms": String(fetchWait.milliseconds32),
            "fetch.message.max.bytes": String(partitionFetchBytes),
            // One fetch answer holds at most the prefetch: with many partitions the default
            // (50 MB) would let a single answer outgrow every other bound.
            "fetch.max.bytes": String(max(prefetchKilobytes * 1_024, 1_048_576 + 1_024, partitionFetchBytes + 1_024)),
        ]
        switch subscription {
        case .group(let id, _):
            all["group.id"] = id
            // Only the partitions that move stop during a rebalance; the others keep flowing.
            all["partition.assignment.strategy"] = "cooperative-sticky"
        case .partitions(_, let groupID): all["group.id"] = groupID ?? "gateway-reader"
        case .soleReader(let groupID, _): all["group.id"] = groupID
        }
        all.merge(common.dictionary) { _, explicit in explicit }
        return all
    }
}

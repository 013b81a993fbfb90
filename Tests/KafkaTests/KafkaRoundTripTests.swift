import Foundation
import Kafka
import Logging
import Synchronization
import Testing

@Suite(.serialized) struct KafkaRoundTripTests {
    let logger = Logger(label: "kafka-test")

    func collect(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30)) async -> (messages: [KafkaConsumerMessage], assigned: [KafkaTopicPartition]) {
        let reading = Task {
            var messages: [KafkaConsumerMessage] = []
            var assigned: [KafkaTopicPartition] = []
            for await event in consumer.events {
                switch event {
                case .message(let message): messages.append(message)
                case .partitionsAssigned(let partitions): assigned += partitions
                case .partitionsRevoked, .endOfPartition: break
                }
                if messages.count >= count { break }
            }
            return (messages, assigned)
        }
        let timer = Task { try? await Task.sleep(for: timeout); reading.cancel() }
        defer { timer.cancel() }
        return await reading.value
    }

    @Test func sendersWaitForRoomWhenTheLocalQueueIsFullAndAllAreAcknowledged() async throws {
        let broker = try TestBroker(topic: "crowded", partitions: 2)
        defer { withExtendedLifetime(broker) {} }
        // Room for 5 records at a time, and 300 senders at once.
        var configuration = KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: broker.cluster.bootstrapServers, properties: ["queue.buffering.max.messages": "5"]))
        configuration.linger = .milliseconds(5)
        let producer = try KafkaProducer(configuration: configuration)
        let offsets = try await withThrowingTaskGroup(of: KafkaDeliveryReport.self) { group in
            for index in 0..<300 {
                group.addTask { try await producer.send(KafkaProducerMessage(topic: "crowded", key: "k-\(index % 7)", value: Array("v-\(index)".utf8))) }
            }
            return try await group.reduce(into: [KafkaDeliveryReport]()) { $0.append($1) }
        }
        #expect(offsets.count == 300)
        #expect(Set(offsets.map { "\($0.partition)/\($0.offset)" }).count == 300, "each record written once")
        await producer.shutdown()
    }

    @Test func producedRecordsArriveWithKeysHeadersAndOrder() async throws {
        let broker = try TestBroker(topic: "roundtrip", partitions: 3)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        var offsets: [Int64] = []
        for index in 0..<20 {
            let report = try await producer.send(KafkaProducerMessage(
                topic: "roundtrip", key: "dossier-\(index % 2)", value: Array("value-\(index)".utf8),
                headers: [KafkaHeader(key: "traceparent", text: "tp-\(index)")]
            ))
            #expect(report.topic == "roundtrip")
            if report.partition == 0 { offsets.append(report.offset) }
        }
        var configuration = KafkaConsumerConfiguration(common, subscription: .group(id: "g1", topics: ["roundtrip"]))
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let (messages, assigned) = await collect(consumer, count: 20)
        #expect(messages.count == 20)
        #expect(Set(assigned.map(\.partition)) == [0, 1, 2])
        for key in ["dossier-0", "dossier-1"] {
            let values = messages.filter { $0.keyText == key }.map { String(decoding: $0.value, as: UTF8.self) }
            let expected = (0..<20).filter { "dossier-\($0 % 2)" == key }.map { "value-\($0)" }
            #expect(values == expected, "one key keeps its order")
        }
        let first = try #require(messages.first { $0.value == Array("value-0".utf8) })
        #expect(first.headers.text("traceparent") == "tp-0")
        #expect(first.timestampMilliseconds != nil)
        await consumer.close()
        await producer.shutdown()
    }

    @Test func partitionsAssignedPausedDeliverNothingUntilResumed() async throws {
        let broker = try TestBroker(topic: "gated", partitions: 1)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        for index in 0..<5 { _ = try await producer.send(KafkaProducerMessage(topic: "gated", key: "k", value: Array("\(index)".utf8))) }
        var configuration = KafkaConsumerConfiguration(common, subscription: .group(id: "gated", topics: ["gated"]))
        configuration.startsAssignedPartitionsPaused = true
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let received = Mutex<[Int64]>([])
        let assigned = Mutex(false)
        let events = consumer.events
        let reader = Task {
            for await event in events {
                switch event {
                case .message(let message): received.withLock { $0.append(message.offset) }
                case .partitionsAssigned: assigned.withLock { $0 = true }
                case .partitionsRevoked(_, let revocation): revocation.finish()
                case .endOfPartition: break
                }
            }
        }
        let end = ContinuousClock.now + .seconds(20)
        while !assigned.withLock({ $0 }), ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .seconds(1))
        #expect(received.withLock { $0 }.isEmpty, "nothing is fetched from a partition assigned paused")
        try consumer.resume([KafkaTopicPartition(topic: "gated", partition: 0)])
        let again = ContinuousClock.now + .seconds(10)
        while received.withLock({ $0.count }) < 5, ContinuousClock.now < again { try await Task.sleep(for: .milliseconds(20)) }
        #expect(received.withLock { $0 } == [0, 1, 2, 3, 4])
        await consumer.close()
        reader.cancel()
        await producer.shutdown()
    }

    @Test func watermarksOfManyPartitionsComeTogetherAndEndsAreReported() async throws {
        let broker = try TestBroker(topic: "marks", partitions: 8)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        for partition in 0..<8 {
            for _ in 0..<partition { _ = try await producer.send(KafkaProducerMessage(topic: "marks", key: "k", value: [1], partition: Int32(partition))) }
        }
        let partitions = (0..<8).map { KafkaTopicPartition(topic: "marks", partition: Int32($0)) }
        var configuration = KafkaConsumerConfiguration(common, subscription: .partitions(partitions))
        configuration.reportsEndOfPartition = true
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let marks = try await consumer.watermarks(partitions)
        #expect(partitions.map { marks[$0]?.high } == (0..<8).map { Int64($0) })
        let ends = Mutex<[Int32: Int64]>([:])
        let events = consumer.events
        let reader = Task {
            for await event in events {
                if case .endOfPartition(let partition, let offset) = event { ends.withLock { $0[partition.partition] = offset } }
            }
        }
        let end = ContinuousClock.now + .seconds(10)
        while ends.withLock({ $0.count }) < 8, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        #expect(ends.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<8).map { (Int32($0), Int64($0)) }))
        await consumer.close()
        reader.cancel()
        await producer.shutdown()
    }

    @Test func aReaderOfGivenPartitionsStartsAtTheFirstRecordKeptOnceRetentionRemovedTheFirstOffset() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("kept", partitions: 2)
        let common = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        var producerConfiguration = KafkaProducerConfiguration(common)
        producerConfiguration.maxMessageBytes = 200_000
        let producer = try KafkaProducer(configuration: producerConfiguration)
        // The embedded broker keeps about 5 MB a partition: 70 records of 100 KB move partition 0's first offset.
        let large = [UInt8](repeating: 65, count: 100_000)
        for _ in 0..<70 { _ = try await producer.send(KafkaProducerMessage(topic: "kept", key: "k", value: large, partition: 0)) }
        for index in 0..<3 { _ = try await producer.send(KafkaProducerMessage(topic: "kept", key: "k", value: [UInt8(index)], partition: 1)) }
        let partitions = (0..<2).map { KafkaTopicPartition(topic: "kept", partition: Int32($0)) }
        let first = try #require(try await producer.watermarks(partitions)[partitions[0]]?.low)
        try #require(first > 0, "retention dropped the first records of partition 0")

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(common, subscription: .partitions(partitions)), logger: logger)
        let read = Mutex<[Int32: [Int64]]>([:])
        let events = consumer.events
        let reader = Task {
            for await event in events {
                if case .message(let message) = event { read.withLock { $0[message.partition, default: []].append(message.offset) } }
            }
        }
        let expected: [Int32: [Int64]] = [0: Array(first..<70), 1: [0, 1, 2]]
        let end = ContinuousClock.now + .seconds(20)
        while read.withLock({ $0 }) != expected, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        #expect(read.withLock { $0 } == expected)
        await consumer.close()
        reader.cancel()
        await producer.shutdown()
    }

    @Test func committedOffsetsAreWhereTheGroupResumes() async throws {
        let broker = try TestBroker(topic: "commits", partitions: 1)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        for index in 0..<10 {
            _ = try await producer.send(KafkaProducerMessage(topic: "commits", key: "k", value: Array("\(index)".utf8)))
        }
        let partition = KafkaTopicPartition(topic: "commits", partition: 0)
        let first = try KafkaConsumer(configuration: .init(common, subscription: .group(id: "resume", topics: ["commits"])), logger: logger)
        let read = await collect(first, count: 10)
        #expect(read.messages.count == 10)
        try await first.commit([partition: 4])
        #expect(try await first.committed([partition]) == [partition: 4])
        await first.close()

        let second = try KafkaConsumer(configuration: .init(common, subscription: .group(id: "resume", topics: ["commits"])), logger: logger)
        let resumed = await collect(second, count: 6)
        #expect(resumed.messages.map(\.offset) == Array(4..<10))
        await second.close()
        await producer.shutdown()
    }

    @Test func aSoleReaderTakesEveryPartitionWithoutJoiningAndResumesWhereItsGroupCommitted() async throws {
        let broker = try TestBroker(topic: "sole", partitions: 2)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        for index in 0..<20 { _ = try await producer.send(KafkaProducerMessage(topic: "sole", key: "k", value: [UInt8(index)], partition: Int32(index % 2))) }
        let partitions = [KafkaTopicPartition(topic: "sole", partition: 0), KafkaTopicPartition(topic: "sole", partition: 1)]
        let first = try KafkaConsumer(configuration: .init(common, subscription: .soleReader(groupID: "alone", partitions: partitions)), logger: logger)
        let read = await collect(first, count: 20)
        #expect(read.assigned == partitions)
        #expect(read.messages.count == 20, "without a committed offset each partition starts at its beginning")
        try await first.commit([partitions[0]: 4, partitions[1]: 7])
        await first.close()

        var configuration = KafkaConsumerConfiguration(common, subscription: .soleReader(groupID: "alone", partitions: partitions))
        configuration.startsAssignedPartitionsPaused = true
        let second = try KafkaConsumer(configuration: configuration, logger: logger)
        let received = Mutex<[KafkaTopicPartition: [Int64]]>([:])
        let assigned = Mutex<[KafkaTopicPartition]>([])
        let events = second.events
        let reader = Task {
            for await event in events {
                switch event {
                case .message(let message): received.withLock { $0[message.topicPartition, default: []].append(message.offset) }
                case .partitionsAssigned(let partitions): assigned.withLock { $0 += partitions }
                case .partitionsRevoked(_, let revocation): revocation.finish()
                case .endOfPartition: break
                }
            }
        }
        let end = ContinuousClock.now + .seconds(10)
        while assigned.withLock({ $0 }).isEmpty, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        #expect(assigned.withLock { $0 } == partitions)
        try await Task.sleep(for: .seconds(1))
        #expect(received.withLock { $0 }.isEmpty, "nothing is fetched from a partition assigned paused")
        try second.resume(partitions)
        let again = ContinuousClock.now + .seconds(10)
        while received.withLock({ $0.values.map(\.count).reduce(0, +) }) < 9, ContinuousClock.now < again { try await Task.sleep(for: .milliseconds(20)) }
        #expect(received.withLock { $0 } == [partitions[0]: Array(4..<10), partitions[1]: Array(7..<10)])
        #expect(try await second.committed(partitions) == [partitions[0]: 4, partitions[1]: 7])
        await second.close()
        reader.cancel()
        await producer.shutdown()
    }

    @Test func messagesBufferedForARevokedPartitionAreNeverHandedToTheReader() async throws {
        let broker = try TestBroker(topic: "moving", partitions: 2)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        for index in 0..<40 { _ = try await producer.send(KafkaProducerMessage(topic: "moving", key: "k", value: [UInt8(index)], partition: Int32(index % 2))) }
        var configuration = KafkaConsumerConfiguration(common, subscription: .group(id: "moving", topics: ["moving"]))
        configuration.revocationTimeout = .milliseconds(500)
        let first = try KafkaConsumer(configuration: configuration, logger: logger)
        // The first reader takes the assignment, then stalls: its buffer fills with both partitions' records.
        var iterator = first.events.makeAsyncIterator()
        guard case .partitionsAssigned(let initial)? = await iterator.next() else { Issue.record("no assignment"); return }
        #expect(initial.count == 2)
        try await Task.sleep(for: .seconds(1))
        // A second member joins; the stalled reader misses the revocation's deadline.
        let second = try KafkaConsumer(configuration: configuration, logger: logger)
        let secondReader = Task {
            var owned: [KafkaTopicPartition] = []
            for await event in second.events {
                switch event {
                case .partitionsAssigned(let partitions): owned += partitions
                case .partitionsRevoked(_, let revocation): revocation.finish()
                default: break
                }
                if !owned.isEmpty { return owned }
            }
            return owned
        }
        let moved = await secondReader.value
        #expect(moved.count == 1, "the second member took one partition")
        // Now the first reader wakes: what it still hands over must be of partitions it owns.
        var owned = Set(initial)
        var late: [Int64] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard let event = await iterator.next() else { break }
            switch event {
            case .message(let message):
                // Read only after the partition moved: nothing of it may come from the old buffer.
                if moved.contains(message.topicPartition) { late.append(message.offset) }
            case .partitionsRevoked(let partitions, let revocation):
                owned.subtract(partitions)
                revocation.finish()
            case .partitionsAssigned(let partitions):
                owned.formUnion(partitions)
                if !owned.isDisjoint(with: moved) { Issue.record("reassigned the moved partition") }
            case .endOfPartition:
                break
            }
            if owned.count == 1, owned.isDisjoint(with: moved) { break }
        }
        #expect(late.isEmpty, "records of a partition that moved reached the old owner after its revocation: \(late)")
        await first.close()
        await second.close()
        await producer.shutdown()
    }

    @Test func pausedPartitionsStopDeliveringUntilResumed() async throws {
        let broker = try TestBroker(topic: "pausing", partitions: 1)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        let partition = KafkaTopicPartition(topic: "pausing", partition: 0)
        let consumer = try KafkaConsumer(configuration: .init(common, subscription: .partitions([partition])), logger: logger)
        let received = Received()
        let events = consumer.events
        let reader = Task {
            for await event in events {
                if case .message(let message) = event { received.withLock { $0.append(message.value) } }
            }
        }
        func waitFor(_ count: Int, within limit: Duration) async {
            let end = ContinuousClock.now + limit
            while received.withLock({ $0.count }) < count, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        }
        _ = try await producer.send(KafkaProducerMessage(topic: "pausing", key: "k", value: [1]))
        await waitFor(1, within: .seconds(20))
        #expect(received.withLock { $0 } == [[1]])

        try consumer.pause([partition])
        _ = try await producer.send(KafkaProducerMessage(topic: "pausing", key: "k", value: [2]))
        await waitFor(2, within: .seconds(2))
        #expect(received.withLock { $0 } == [[1]], "nothing arrives while paused")

        try consumer.resume([partition])
        await waitFor(2, within: .seconds(20))
        #expect(received.withLock { $0 } == [[1], [2]])
        await consumer.close()
        await reader.value
        await producer.shutdown()
    }

    /// Eager assignment (`range`) revokes and assigns every partition on each rebalance.
    @Test func aPartitionPausedBeforeARebalanceFetchesAgainOnceReassigned() async throws {
        let broker = try TestBroker(topic: "handover", partitions: 1)
        defer { withExtendedLifetime(broker) {} }
        var common = broker.common
        common.properties["partition.assignment.strategy"] = "range"
        let producer = broker.producer
        let partition = KafkaTopicPartition(topic: "handover", partition: 0)
        let first = try KafkaConsumer(configuration: .init(common, subscription: .group(id: "handover", topics: ["handover"])), logger: logger)
        let received = Received()
        let assignments = Mutex(0)
        let events = first.events
        let reader = Task {
            for await event in events {
                switch event {
                case .message(let message): received.withLock { $0.append(message.value) }
                case .partitionsAssigned: assignments.withLock { $0 += 1 }
                case .partitionsRevoked(_, let revocation): revocation.finish()
                case .endOfPartition: break
                }
            }
        }
        func waitUntil(within limit: Duration, _ condition: () -> Bool) async {
            let end = ContinuousClock.now + limit
            while !condition(), ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        }
        await waitUntil(within: .seconds(20)) { assignments.withLock { $0 } == 1 }
        try first.pause([partition])

        let second = try KafkaConsumer(configuration: .init(common, subscription: .group(id: "handover", topics: ["handover"])), logger: logger)
        let secondReader = Task {
            for await event in second.events {
                if case .partitionsRevoked(_, let revocation) = event { revocation.finish() }
            }
        }
        await waitUntil(within: .seconds(30)) { assignments.withLock { $0 } >= 2 }
        await second.close()
        await secondReader.value
        await waitUntil(within: .seconds(30)) { assignments.withLock { $0 } >= 3 }
        #expect(assignments.withLock { $0 } >= 3, "the partition came back after the second consumer left")

        _ = try await producer.send(KafkaProducerMessage(topic: "handover", key: "k", value: [7]))
        await waitUntil(within: .seconds(20)) { !received.withLock { $0.isEmpty } }
        #expect(received.withLock { $0 } == [[7]], "a reassigned partition fetches even though it was paused before")
        await first.close()
        await reader.value
        await producer.shutdown()
    }

    /// Cooperative assignment, the default: a member joining takes partitions without the
    /// others being revoked from the member that keeps them, which goes on reading them.
    @Test func aMemberJoiningMovesOnlyThePartitionsItTakes() async throws {
        let broker = try TestBroker(topic: "cooperative", partitions: 4)
        defer { withExtendedLifetime(broker) {} }
        let (common, producer) = (broker.common, broker.producer)
        let first = try KafkaConsumer(configuration: .init(common, subscription: .group(id: "cooperative", topics: ["cooperative"])), logger: logger)
        let log = Mutex<(assigned: [Set<Int32>], revoked: [Set<Int32>], values: [[UInt8]])>(([], [], []))
        let reader = Task {
            for await event in first.events {
                switch event {
                case .message(let message): log.withLock { $0.values.append(message.value) }
                case .partitionsAssigned(let partitions): log.withLock { $0.assigned.append(Set(partitions.map(\.partition))) }
                case .partitionsRevoked(let partitions, let revocation):
                    log.withLock { $0.revoked.append(Set(partitions.map(\.partition))) }
                    revocation.finish()
                case .endOfPartition: break
                }
            }
        }
        func waitUntil(within limit: Duration, _ condition: () -> Bool) async {
            let end = ContinuousClock.now + limit
            while !condition(), ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(20)) }
        }
        await waitUntil(within: .seconds(20)) { log.withLock { $0.assigned.first == [0, 1, 2, 3] } }
        let second = try KafkaConsumer(configuration: .init(common, subscription: .group(id: "cooperative", topics: ["cooperative"])), logger: logger)
        let taken = Mutex<Set<Int32>>([])
        let secondReader = Task {
            for await event in second.events {
                switch event {
                case .partitionsAssigned(let partitions): taken.withLock { $0.formUnion(partitions.map(\.partition)) }
                case .partitionsRevoked(_, let revocation): revocation.finish()
                default: break
                }
            }
        }
        await waitUntil(within: .seconds(30)) { taken.withLock { $0.count } == 2 }
        let (revoked, kept) = log.withLock { log in (log.revoked.reduce(into: Set<Int32>()) { $0.formUnion($1) }, Set(0..<4).subtracting(taken.withLock { $0 })) }
        #expect(taken.withLock { $0.count } == 2, "the new member takes half")
        #expect(revoked == taken.withLock { $0 }, "only the partitions that moved were revoked from the first member")
        // The first member reads its kept partitions throughout.
        for partition in kept {
            _ = try await producer.send(KafkaProducerMessage(topic: "cooperative", key: "k", value: [UInt8(partition)], partition: partition))
        }
        await waitUntil(within: .seconds(20)) { log.withLock { $0.values.count } == kept.count }
        #expect(Set(log.withLock { $0.values }.map { Int32($0[0]) }) == kept)
        await second.close()
        await secondReader.value
        await first.close()
        await reader.value
        await producer.shutdown()
    }

    @Test func errorsCarryLibrdkafkasCodeAndText() async throws {
        var configuration = KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: "127.0.0.1:1"))
        configuration.common.properties["no.such.property"] = "x"
        #expect {
            _ = try KafkaProducer(configuration: configuration)
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code != 0 && error.message.contains("no.such.property")
        }
    }
}

final class Received: Sendable {
    private let values = Mutex<[[UInt8]]>([])
    func withLock<T>(_ body: (inout [[UInt8]]) -> T) -> T { values.withLock { body(&$0) } }
}

/// A mock cluster with one topic, and a producer to it, for one test.
struct TestBroker {
    let cluster: KafkaMockCluster
    let common: KafkaConfiguration
    let producer: KafkaProducer

    init(topic: String, partitions: Int) throws {
        cluster = try KafkaMockCluster()
        try cluster.createTopic(topic, partitions: partitions)
        common = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(common))
    }
}

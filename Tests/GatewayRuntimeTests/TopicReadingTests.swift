import Foundation
import Kafka
import Logging
import Testing
@testable import GatewayRuntime

/// Reading a topic to its end, on the embedded broker, whose retention drops a partition's
/// oldest records past about 5 MB.
@Suite struct TopicReadingTests {
    let logger = Logger(label: "topic-reading-test")

    @Test func aTopicIsReadFromEachPartitionsFirstRecordToItsEndAfterRetentionMovedTheFirst() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("reading", partitions: 3)
        var producerConfiguration = KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers))
        producerConfiguration.maxMessageBytes = 200_000
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let large = [UInt8](repeating: 65, count: 100_000)
        for _ in 0..<70 { _ = try await producer.send(KafkaProducerMessage(topic: "reading", key: "k", value: large, partition: 0)) }
        for index in 0..<3 { _ = try await producer.send(KafkaProducerMessage(topic: "reading", key: "k", value: [UInt8(index)], partition: 1)) }
        let partitions = (0..<3).map { KafkaTopicPartition(topic: "reading", partition: Int32($0)) }
        let marks = try await producer.watermarks(partitions)
        let first = try #require(marks[partitions[0]]?.low)
        try #require(first > 0, "retention dropped the first records of partition 0")
        try #require(marks[partitions[0]]?.high == 70)
        let configuration = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)

        var read: [Int32: [Int64]] = [:]
        try await readToEnd(partitions, configuration: configuration, producer: producer, timeout: .seconds(30), logger: logger) { message in
            read[message.partition, default: []].append(message.offset)
        }
        #expect(read == [0: Array(first..<70), 1: [0, 1, 2]], "partition 2 holds nothing")

        // Starts below the first record begin at the first; others where they say.
        read = [:]
        try await readToEnd(partitions, from: [0: 0, 1: 2], configuration: configuration, producer: producer, timeout: .seconds(30), logger: logger) { message in
            read[message.partition, default: []].append(message.offset)
        }
        #expect(read == [0: Array(first..<70), 1: [2]])
        await producer.shutdown()
    }
}

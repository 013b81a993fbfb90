import Foundation
import GatewayCore
import GatewayModel
import Kafka
import Logging
import Testing
@testable import GatewayRuntime

/// Delivery marks written by one owner of a partition and restored by the next, on the
/// embedded broker.
@Suite struct KafkaDeliveryMarksTests {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Contracts")
    let logger = Logger(label: "marks-test")

    func delivery(dossier: Int, step: Int, partition: Int32, offset: Int64, target: TargetName = "dvcqg") throws -> Delivery {
        var event = try DossierEventDecoder.decode(Array(Data(contentsOf: Self.contracts.appendingPathComponent("examples/events/received.json"))), key: nil)
        event.data.dossierCode = "000.00.12.H13-250711-\(String(format: "%05d", dossier))"
        event.subject = event.data.dossierCode
        event.id = "e-\(dossier)-\(step)"
        let origin = EventOrigin(topic: "dossier.events", partition: partition, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: [])
        return Delivery(event: event, target: target, operations: ["DongBoHoSoMC"], origin: origin)
    }

    func marks(_ cluster: KafkaMockCluster, producer: KafkaProducer, partitions: Int, finishedRetention: Duration = .seconds(3_600)) -> KafkaDeliveryMarks {
        KafkaDeliveryMarks(
            producer: producer, configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), topic: "gateway.delivered",
            partitionCount: partitions, fatal: FatalCondition(), finishedMemoryRetention: finishedRetention, logger: logger
        )
    }

    @Test func theNextOwnerOfAPartitionKnowsWhatItsTargetsHadAboveTheCommittedOffset() async throws {
        let cluster = try KafkaMockCluster()
        // Fewer mark partitions than source partitions: marks of sources 1 and 3 share one.
        try cluster.createTopic("gateway.delivered", partitions: 2)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)))
        let first = marks(cluster, producer: producer, partitions: 2)
        for delivery in [
            try delivery(dossier: 1, step: 0, partition: 1, offset: 10),
            try delivery(dossier: 1, step: 1, partition: 1, offset: 14),
            try delivery(dossier: 2, step: 0, partition: 1, offset: 3),
            try delivery(dossier: 1, step: 0, partition: 1, offset: 10, target: "emc"),
            try delivery(dossier: 3, step: 0, partition: 3, offset: 50),
            try delivery(dossier: 4, step: 0, partition: 0, offset: 7),
        ] {
            #expect(await first.markDelivered(delivery))
        }

        let next = marks(cluster, producer: producer, partitions: 2)
        let source1 = PartitionID(topic: "dossier.events", partition: 1)
        try await next.restore([source1], committed: [source1: 5])
        #expect(await next.isDelivered(try delivery(dossier: 1, step: 0, partition: 1, offset: 10)))
        #expect(await next.isDelivered(try delivery(dossier: 1, step: 1, partition: 1, offset: 14)))
        #expect(!next.isDelivered(try delivery(dossier: 1, step: 2, partition: 1, offset: 20)), "a later event still goes out")
        #expect(await next.isDelivered(try delivery(dossier: 1, step: 0, partition: 1, offset: 10, target: "emc")))
        #expect(!next.isDelivered(try delivery(dossier: 1, step: 1, partition: 1, offset: 14, target: "emc")), "emc had step 0 only")
        #expect(!next.isDelivered(try delivery(dossier: 2, step: 0, partition: 1, offset: 3)), "below the committed offset: never read again, not kept")
        #expect(!next.isDelivered(try delivery(dossier: 3, step: 0, partition: 3, offset: 50)), "another partition's marks are its owner's")

        next.committed([source1: 15])
        #expect(!next.isDelivered(try delivery(dossier: 1, step: 1, partition: 1, offset: 14)), "marks below a commit are dropped")
        await producer.shutdown()
    }

    /// An adapter's memory of a dossier (the BCA portal's accepted statuses) outlives commits,
    /// travels with the partition, and is gone once forgotten.
    @Test func aDossiersMemoryOutlivesCommitsAndFollowsThePartition() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("gateway.delivered", partitions: 2)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)))
        let first = marks(cluster, producer: producer, partitions: 2)
        let pushing = try delivery(dossier: 7, step: 0, partition: 1, offset: 30, target: "bca")
        let other = try delivery(dossier: 8, step: 0, partition: 1, offset: 31, target: "bca")
        let progress = JSONValue.object(["event": .string("e-7-0"), "through": .integer(0), "furthest": .integer(1)])
        #expect(await first.keep(progress, finished: false, for: pushing))
        #expect(await first.keep(.object(["event": .string("e-8-0")]), finished: false, for: other))
        #expect(await !first.isDelivered(pushing), "a memory is no mark: the event still goes out")
        #expect(await first.markDelivered(pushing))
        #expect(await first.keep(nil, finished: false, for: other))
        first.committed([PartitionID(topic: "dossier.events", partition: 1): 100])
        #expect(first.memory(for: pushing) == progress, "a commit drops the mark, not the memory")

        let next = marks(cluster, producer: producer, partitions: 2)
        let source = PartitionID(topic: "dossier.events", partition: 1)
        try await next.restore([source], committed: [source: 100])
        #expect(await next.memory(for: pushing) == progress, "the next owner of the partition has it")
        #expect(await next.memory(for: other) == nil, "a forgotten memory stays forgotten")
        #expect(!next.isDelivered(pushing), "the mark is below the commit")
        await producer.shutdown()
    }

    /// A memory kept as the dossier's last is forgotten once its retention has passed: by the
    /// instance holding it, at a commit, and by a next owner, which does not restore it.
    @Test func aFinishedMemoryIsForgottenAfterItsRetention() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("gateway.delivered", partitions: 2)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)))
        let source = PartitionID(topic: "dossier.events", partition: 1)
        let first = marks(cluster, producer: producer, partitions: 2, finishedRetention: .seconds(3_600))
        let finished = try delivery(dossier: 7, step: 4, partition: 1, offset: 30, target: "bca")
        let goingOn = try delivery(dossier: 8, step: 1, partition: 1, offset: 31, target: "bca")
        let progress = JSONValue.object(["event": .string("e-7-4"), "through": .integer(0), "furthest": .integer(5)])
        #expect(await first.keep(progress, finished: true, for: finished))
        #expect(await first.keep(.object(["event": .string("e-8-1")]), finished: false, for: goingOn))
        #expect(await first.markDelivered(finished))

        first.committed([source: 32])
        #expect(first.memory(for: finished) == progress, "within its retention it is kept, a mark written after it included")
        first.committed([source: 32], now: Date() + 7_200)
        #expect(first.memory(for: finished) == nil, "past its retention it is forgotten")
        #expect(first.memory(for: goingOn) != nil, "a dossier whose life goes on keeps its memory")

        let withinRetention = marks(cluster, producer: producer, partitions: 2, finishedRetention: .seconds(3_600))
        try await withinRetention.restore([source], committed: [source: 32])
        #expect(withinRetention.memory(for: finished) == progress, "the next owner has it while its retention lasts")

        let pastRetention = marks(cluster, producer: producer, partitions: 2, finishedRetention: .zero)
        try await pastRetention.restore([source], committed: [source: 32])
        #expect(pastRetention.memory(for: finished) == nil, "a next owner does not bring back what is past its retention")
        #expect(pastRetention.memory(for: goingOn) != nil)
        await producer.shutdown()
    }

    @Test func anEmptyMarksTopicRestoresAtOnce() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("gateway.delivered", partitions: 4)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)))
        let marks = marks(cluster, producer: producer, partitions: 4)
        try await marks.restore((0..<4).map { PartitionID(topic: "dossier.events", partition: Int32($0)) }, committed: [:], timeout: .seconds(5))
        #expect(!marks.isDelivered(try delivery(dossier: 1, step: 0, partition: 0, offset: 0)))
        await producer.shutdown()
    }

    @Test func aMarksTopicWhosePartitionsChangedStopsTheGatewayInsteadOfMissingMarks() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("gateway.delivered", partitions: 3)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)))
        let fatal = FatalCondition()
        let marks = KafkaDeliveryMarks(
            producer: producer, configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), topic: "gateway.delivered",
            partitionCount: 2, fatal: fatal, finishedMemoryRetention: .seconds(3_600), logger: logger
        )
        await #expect(throws: ConfigurationError.self) {
            try await marks.restore([PartitionID(topic: "dossier.events", partition: 0)], committed: [:], timeout: .seconds(5))
        }
        #expect(fatal.reason?.contains("now has 3 partitions instead of 2") == true)
        await producer.shutdown()
    }
}

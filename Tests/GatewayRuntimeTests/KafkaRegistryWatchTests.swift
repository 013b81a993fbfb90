import Foundation
import GatewayCore
import GatewayModel
import HoTichAdapter
import Kafka
import Logging
import Synchronization
import Testing
@testable import GatewayRuntime

/// The registry watch on the embedded broker: what one owner of a partition wrote, and what it
/// published without recording, the next owner knows; the poll publishes each state once.
@Suite struct KafkaRegistryWatchTests {
    let logger = Logger(label: "watch-test")
    let source = PartitionID(topic: "dossier.events", partition: 1)

    func registration(partition: Int32 = 1, offset: Int64 = 10) throws -> Delivery {
        let event = try DossierEventDecoder.decode(
            Array(Data(contentsOf: KafkaDeliveryMarksTests.contracts.appendingPathComponent("examples/events/civil-received.json"))), key: nil
        )
        let origin = EventOrigin(topic: "dossier.events", partition: partition, offset: offset, timestampMilliseconds: nil, key: nil, value: [], headers: [])
        return Delivery(event: event, target: "hotich", operations: ["NhanDKHT"], origin: origin)
    }

    static func renamed(_ event: DossierEvent, _ dossier: String) -> DossierEvent {
        var event = event
        event.data.dossierCode = dossier
        event.subject = dossier
        return event
    }

    func stack() throws -> (KafkaMockCluster, KafkaProducer) {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("gateway.watched", partitions: 2)
        try cluster.createTopic("nationalsystems.inbound", partitions: 2)
        return (cluster, try KafkaProducer(configuration: KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers))))
    }

    func watch(_ cluster: KafkaMockCluster, _ producer: KafkaProducer) -> KafkaRegistryWatch {
        let configuration = KafkaConfiguration(bootstrapServers: cluster.bootstrapServers)
        let inbound = InboundTopic(
            name: "nationalsystems.inbound", partitions: 2, maxRecordBytes: 1_000_000, producer: producer, configuration: configuration,
            fatal: FatalCondition(), metrics: GatewayMetrics(), logger: logger
        )
        return KafkaRegistryWatch(
            producer: producer, configuration: configuration, watchTopic: "gateway.watched", watchPartitions: 2, inbound: inbound,
            finishedRetention: .seconds(3600), fatal: FatalCondition(), metrics: GatewayMetrics(), logger: logger
        )
    }

    @Test func anAnswerPublishedButNotRecordedBeforeACrashIsFoundByTheNextOwnerNotPublishedAgain() async throws {
        let (cluster, producer) = try stack()
        let first = watch(cluster, producer)
        let delivery = try registration()
        try await first.restore([source, PartitionID(topic: "dossier.events", partition: 0)])
        #expect(await first.reached(delivery))
        #expect(await first.reached(delivery), "reaching it again (a redelivery) changes nothing")
        let entry = try #require(await first.pending().first)
        #expect(entry.dossierCode == delivery.event.dossierCode && entry.module == "LTKS" && entry.lastState == nil)
        var other = try registration(partition: 0)
        other = Delivery(event: Self.renamed(other.event, "000.00.31.H13-250712-00999"), target: other.target, operations: other.operations, origin: other.origin)
        #expect(await first.reached(other))
        #expect(await first.pending().count == 2, "another partition's registration")

        // State 3 reaches the inbound topic; the process dies before the watch records it.
        let published = RegistryAnswerEvent(
            id: RegistryAnswer.eventID(dossierCode: entry.dossierCode, trangThai: 3), source: RegistryAnswer.source, type: RegistryAnswer.typePrefix + "eligible",
            subject: entry.dossierCode, time: "2025-07-11T14:00:00+07:00",
            data: RegistryAnswer(dossierCode: entry.dossierCode, interconnectCode: nil, module: "LTKS", registrationOffice: nil, state: "eligible", trangThai: 3, at: nil, details: [:], result: nil)
        )
        let report = try await producer.send(KafkaProducerMessage(
            topic: "nationalsystems.inbound", key: entry.dossierCode, value: Array(try JSONCoding.encoder.encode(published)), partition: entry.inboundPartition
        ))

        let next = watch(cluster, producer)
        try await next.restore([source])
        let restored = try #require(await next.entry(entry.dossierCode, in: source))
        #expect(restored.lastState == 3, "found on the inbound topic, recorded")
        #expect(restored.scanFrom == report.offset + 1)
        #expect(await next.pending().count == 1, "only the assigned partition's registrations")

        // Final: no longer polled, and not watched again when the registration is sent again.
        #expect(await next.record(4, final: true, publishedAt: report.offset + 1, of: entry.dossierCode, in: source))
        #expect(await next.pending().isEmpty)
        #expect(await next.reached(delivery))
        #expect(await next.pending().isEmpty, "a replayed registration of a finished dossier is not watched again")
        let third = watch(cluster, producer)
        try await third.restore([source])
        #expect(await third.entry(entry.dossierCode, in: source)?.isFinished == true)
        #expect(await third.pending().isEmpty)
    }

    @Test func aRegistrationOfAPartitionNotOwnedHereIsWrittenForItsOwnerNotPolledHere() async throws {
        let (cluster, producer) = try stack()
        let elsewhere = watch(cluster, producer)
        #expect(await elsewhere.reached(try registration()))
        #expect(await elsewhere.pending().isEmpty, "partition 1 is not this instance's")
        let owner = watch(cluster, producer)
        try await owner.restore([source])
        #expect(await owner.pending().map(\.dossierCode) == [try registration().event.dossierCode], "its owner reads it from the topic")
    }

    @Test func aPollRoundPublishesEachNewStateOnceAndEndsTheWatchOnAFinalOne() async throws {
        let (cluster, producer) = try stack()
        let watch = watch(cluster, producer)
        let delivery = try registration()
        try await watch.restore([source])
        #expect(await watch.reached(delivery))
        let dossier = delivery.event.dossierCode
        let registry = ScriptedRegistry(states: [1, 3, 3, 4, 4])
        let polling = RegistryResultPolling(
            watch: watch,
            poller: HoTichResultPoller(
                configuration: HoTichConfiguration(baseURL: "http://hotich", timeoutMilliseconds: 1_000), resultPath: "/KetQuaDKHT", provinceCode: "92",
                tokenRequest: nil, headers: [], transport: registry
            ),
            interval: .seconds(1), metrics: GatewayMetrics(), logger: logger
        )
        for _ in 0..<5 { #expect(await polling.round()) }
        #expect(registry.calls.withLock { $0 } == 4, "nothing is asked once the result is issued")

        let partitions = (0..<2).map { KafkaTopicPartition(topic: "nationalsystems.inbound", partition: Int32($0)) }
        var reading = KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers), subscription: .partitions(partitions))
        reading.reportsEndOfPartition = true
        let reader = try KafkaConsumer(configuration: reading, logger: logger)
        var events: [RegistryAnswerEvent] = []
        var ended = 0
        for await event in reader.events {
            if case .message(let message) = event { events.append(try JSONCoding.decoder.decode(RegistryAnswerEvent.self, from: Data(message.value))) }
            if case .endOfPartition = event { ended += 1 }
            if ended == 2 { break }
        }
        await reader.close()
        #expect(events.map(\.data.trangThai) == [1, 3, 4], "each state once, in order")
        #expect(events.allSatisfy { $0.subject == dossier })
        #expect(events.last?.data.result?.certificateBase64 == "JVBERi0xLjQ=")
        #expect(await watch.pending().isEmpty)
    }
}

/// The registry's result poll, answering each call with the next state of a script.
final class ScriptedRegistry: HTTPTransport {
    let states: Mutex<[Int]>
    let calls = Mutex(0)

    init(states: [Int]) { self.states = Mutex(states) }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        calls.withLock { $0 += 1 }
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body ?? []))) as? [String: Any]
        let code = (body?["maDinhDanhHoSo"] as? [String])?.first ?? ""
        let state = states.withLock { $0.isEmpty ? 4 : $0.removeFirst() }
        let result: Any = state == 4 ? #"{"soDinhDanh":"092225001234","soDangKy":"1/2025","giayKhaiSinh":"JVBERi0xLjQ="}"# : NSNull()
        let answer: [String: Any] = ["status": 1, "value": [["maHoSoMCDT": code, "module": "LTKS", "trangThai": state, "ketQuaXuLy": result]]]
        return InboundResponse(status: 200, body: Array((try? JSONSerialization.data(withJSONObject: answer)) ?? Data()))
    }
}

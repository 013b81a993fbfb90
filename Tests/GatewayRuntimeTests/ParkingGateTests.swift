import GatewayCore
import Kafka
import Synchronization
import Testing
@testable import GatewayRuntime

@Suite struct ParkingGateTests {
    let partition = PartitionID(topic: "dossier.events", partition: 0)

    func message(_ offset: Int64, partition: Int32 = 0) -> KafkaConsumerMessage {
        KafkaConsumerMessage(topic: "dossier.events", partition: partition, offset: offset, key: nil, value: [], isTombstone: false, headers: [], timestampMilliseconds: nil)
    }

    @Test func eventsOfAClosedPartitionWaitAndGoFirstInOrderWhenItOpens() async {
        let gate = ParkingGate()
        let handled = Mutex<[Int64]>([])
        let handle: @Sendable (KafkaConsumerMessage) async -> Void = { message in handled.withLock { $0.append(message.offset) } }
        let generation = await gate.close([partition])
        for offset in 0..<3 { await gate.submit(message(Int64(offset)), handle: handle) }
        await gate.submit(message(9, partition: 1), handle: handle)
        #expect(handled.withLock { $0 } == [9], "only the open partition's event went through")
        let opened = await gate.open([partition], generation: generation, handle: handle)
        #expect(opened == [partition])
        await gate.submit(message(3), handle: handle)
        #expect(handled.withLock { $0 } == [9, 0, 1, 2, 3])
    }

    @Test func aRevokedPartitionDropsWhatWasHeldAndIsNotOpenedByAnOldCatchUp() async {
        let gate = ParkingGate()
        let handled = Mutex<[Int64]>([])
        let handle: @Sendable (KafkaConsumerMessage) async -> Void = { message in handled.withLock { $0.append(message.offset) } }
        let first = await gate.close([partition])
        await gate.submit(message(0), handle: handle)
        await gate.forget([partition])
        let second = await gate.close([partition])
        #expect(await gate.open([partition], generation: first, handle: handle).isEmpty, "a catch-up of an earlier assignment opens nothing")
        #expect(await gate.isClosed(partition, generation: second))
        #expect(handled.withLock { $0 }.isEmpty, "what was held before the revocation is read again by whoever owns the partition")
    }
}

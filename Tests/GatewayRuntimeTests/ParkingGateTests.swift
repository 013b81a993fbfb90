import GatewayCore
import GatewayModel
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

    @Test func aRevocationWaitsForTheHeldEventBeingHandedOver() async throws {
        let gate = ParkingGate()
        let log = Mutex<[String]>([])
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
        let (proceed, proceedContinuation) = AsyncStream.makeStream(of: Void.self)
        let handle: @Sendable (KafkaConsumerMessage) async -> Void = { message in
            enteredContinuation.yield()
            var signal = proceed.makeAsyncIterator()
            _ = await signal.next()
            log.withLock { $0.append("handled \(message.offset)") }
        }
        let generation = await gate.close([partition])
        await gate.submit(message(0), handle: handle)
        await gate.submit(message(1), handle: handle)
        let opening = Task { await gate.open([partition], generation: generation, handle: handle) }
        var entries = entered.makeAsyncIterator()
        _ = await entries.next()
        let revoking = Task {
            await gate.forget([partition])
            log.withLock { $0.append("forgotten") }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(log.withLock { $0 }.isEmpty, "the revocation waits while event 0 is being handed over")
        proceedContinuation.yield()
        _ = await revoking.value
        _ = await opening.value
        #expect(log.withLock { $0 } == ["handled 0", "forgotten"], "event 1, held behind it, is left for the next owner")
    }
}

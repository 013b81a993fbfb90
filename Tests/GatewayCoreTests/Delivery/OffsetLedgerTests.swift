import GatewayCore
import GatewayModel
import Testing

@Suite struct OffsetLedgerTests {
    let partition = PartitionID(topic: "dossier.events", partition: 3)

    @Test func commitsOnlyUpToTheFirstUnfinishedRecord() async throws {
        let ledger = OffsetLedger()
        await ledger.assign([partition])
        let first = try #require(await ledger.begin(partition, offset: 10, outcomes: 2))
        let second = try #require(await ledger.begin(partition, offset: 11, outcomes: 1))
        #expect(await ledger.committable() == [partition: 10])
        await ledger.markCommitted([partition: 10])

        await ledger.complete(second)
        #expect(await ledger.committable().isEmpty, "offset 10 still waits for two outcomes")
        await ledger.complete(first)
        #expect(await ledger.committable().isEmpty, "offset 10 still waits for one outcome")
        await ledger.complete(first)
        #expect(await ledger.committable() == [partition: 12])
        #expect(await ledger.pending == 0)
    }

    @Test func recordsWithoutOutcomesFinishAtOnce() async throws {
        let ledger = OffsetLedger()
        await ledger.assign([partition])
        _ = await ledger.begin(partition, offset: 0, outcomes: 0)
        #expect(await ledger.committable() == [partition: 1])
    }

    @Test func revokedPartitionsIgnoreLateOutcomes() async throws {
        let ledger = OffsetLedger()
        await ledger.assign([partition])
        let ticket = try #require(await ledger.begin(partition, offset: 5, outcomes: 1))
        await ledger.revoke([partition])
        await ledger.assign([partition])
        _ = await ledger.begin(partition, offset: 5, outcomes: 1)
        await ledger.complete(ticket)
        #expect(await ledger.committable() == [partition: 5], "an outcome of the old assignment must not finish the new one")
        #expect(await ledger.begin(PartitionID(topic: "other", partition: 0), offset: 0, outcomes: 1) == nil)
    }

    @Test func bytesOfUnfinishedRecordsAreCountedPerPartitionAndInAll() async throws {
        let ledger = OffsetLedger()
        let other = PartitionID(topic: partition.topic, partition: 9)
        await ledger.assign([partition, other])
        let big = try #require(await ledger.begin(partition, offset: 0, outcomes: 2, bytes: 1_000))
        _ = await ledger.begin(partition, offset: 1, outcomes: 0, bytes: 50)
        _ = await ledger.begin(other, offset: 0, outcomes: 1, bytes: 300)
        #expect(await ledger.load(partition) == (1, 1_000, 1_300))
        await ledger.complete(big)
        #expect(await ledger.load(partition).bytes == 1_000, "one outcome of two: still held")
        await ledger.complete(big)
        #expect(await ledger.load(partition) == (0, 0, 300))
        await ledger.revoke([other])
        #expect(await ledger.pendingBytes == 0)
    }

    @Test func aRecordThatNeverFinishesHoldsTheWatermarkWhileThoseBehindItComeAndGo() async throws {
        let ledger = OffsetLedger()
        await ledger.assign([partition])
        _ = await ledger.begin(partition, offset: 0, outcomes: 1)
        for offset in 1...5_000 {
            let ticket = try #require(await ledger.begin(partition, offset: Int64(offset), outcomes: 1))
            await ledger.complete(ticket)
        }
        #expect(await ledger.committable() == [partition: 0])
        #expect(await ledger.pending(partition) == 1)
    }
}

import GatewayCore
import GatewayModel
import Testing

@Suite struct OffsetLedgerTests {
    let partition = PartitionID(topic: "dossier.events", partition: 3)

    @Test func commitsOnlyUpToTheFirstUnfinishedRecord() async throws {
        let ledger = OffsetLedger()
        ledger.assign([partition])
        let first = try #require(ledger.begin(partition, offset: 10, outcomes: 2))
        let second = try #require(ledger.begin(partition, offset: 11, outcomes: 1))
        #expect(ledger.committable() == [partition: 10])
        ledger.markCommitted([partition: 10])

        ledger.complete(second)
        #expect(ledger.committable().isEmpty, "offset 10 still waits for two outcomes")
        ledger.complete(first)
        #expect(ledger.committable().isEmpty, "offset 10 still waits for one outcome")
        ledger.complete(first)
        #expect(ledger.committable() == [partition: 12])
        #expect(ledger.pending == 0)
    }

    @Test func recordsWithoutOutcomesFinishAtOnce() async throws {
        let ledger = OffsetLedger()
        ledger.assign([partition])
        _ = ledger.begin(partition, offset: 0, outcomes: 0)
        #expect(ledger.committable() == [partition: 1])
    }

    @Test func revokedPartitionsIgnoreLateOutcomes() async throws {
        let ledger = OffsetLedger()
        ledger.assign([partition])
        let ticket = try #require(ledger.begin(partition, offset: 5, outcomes: 1))
        ledger.revoke([partition])
        ledger.assign([partition])
        _ = ledger.begin(partition, offset: 5, outcomes: 1)
        ledger.complete(ticket)
        #expect(ledger.committable() == [partition: 5], "an outcome of the old assignment must not finish the new one")
        #expect(ledger.begin(PartitionID(topic: "other", partition: 0), offset: 0, outcomes: 1) == nil)
    }

    @Test func bytesOfUnfinishedRecordsAreCountedPerPartitionAndInAll() async throws {
        let ledger = OffsetLedger()
        let other = PartitionID(topic: partition.topic, partition: 9)
        ledger.assign([partition, other])
        let big = try #require(ledger.begin(partition, offset: 0, outcomes: 2, bytes: 1_000))
        _ = ledger.begin(partition, offset: 1, outcomes: 0, bytes: 50)
        _ = ledger.begin(other, offset: 0, outcomes: 1, bytes: 300)
        #expect(ledger.load(partition) == (1, 1_000, 1_300))
        ledger.complete(big)
        #expect(ledger.load(partition).bytes == 1_000, "one outcome of two: still held")
        ledger.complete(big)
        #expect(ledger.load(partition) == (0, 0, 300))
        ledger.revoke([other])
        #expect(ledger.pendingBytes == 0)
    }

    @Test func aRecordThatNeverFinishesHoldsTheWatermarkWhileThoseBehindItComeAndGo() async throws {
        let ledger = OffsetLedger()
        ledger.assign([partition])
        _ = ledger.begin(partition, offset: 0, outcomes: 1)
        for offset in 1...5_000 {
            let ticket = try #require(ledger.begin(partition, offset: Int64(offset), outcomes: 1))
            ledger.complete(ticket)
        }
        #expect(ledger.committable() == [partition: 0])
        #expect(ledger.pending(partition) == 1)
    }
}

import GatewayCore
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
}

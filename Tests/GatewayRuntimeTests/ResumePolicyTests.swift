import GatewayCore
import Testing
@testable import GatewayRuntime

@Suite struct ResumePolicyTests {
    let policy = ResumePolicy(limit: 100, byteBudget: 8_000, intake: 1_000)

    func partitions(_ count: Int) -> [PartitionID] {
        (0..<count).map { PartitionID(topic: "dossier.events", partition: Int32($0)) }
    }

    @Test func everyDrainedPartitionResumesOnceTheBacklogHasHalved() {
        let paused = partitions(500)
        let chosen = policy.partitionsToResume(paused, totalBytes: 4_000) { _ in (records: 10, bytes: 200) }
        #expect(chosen == paused)
    }

    @Test func aPartitionStillHoldingHalfItsLimitInRecordsStaysPaused() {
        let paused = partitions(2)
        let chosen = policy.partitionsToResume(paused, totalBytes: 0) { partition in
            partition.partition == 0 ? (records: 51, bytes: 0) : (records: 50, bytes: 0)
        }
        #expect(chosen == [paused[1]])
    }

    @Test func overTheBudgetOnlyPartitionsWithNothingOfTheirOwnResume() {
        let paused = partitions(2)
        let chosen = policy.partitionsToResume(paused, totalBytes: 8_000) { partition in
            partition.partition == 0 ? (records: 3, bytes: 600) : (records: 0, bytes: 0)
        }
        #expect(chosen == [paused[1]])
    }

    /// However many partitions are paused with nothing of their own, those resumed while the
    /// backlog is over its budget may bring in at most twice the budget, counting a fetch each.
    @Test(arguments: [4_001, 8_000, 12_500, 16_000, 20_000])
    func resumesOverTheBudgetStopAtTwiceIt(totalBytes: Int) {
        let paused = partitions(700)
        let chosen = policy.partitionsToResume(paused, totalBytes: totalBytes) { _ in (records: 0, bytes: 0) }
        #expect(chosen.count == max(0, (16_000 - totalBytes) / 1_000))
        #expect(totalBytes + chosen.count * 1_000 <= 16_000 || chosen.isEmpty)
    }
}

import Foundation
import GatewayModel
import Testing
@testable import GatewayCore

@Suite struct DeliveryMarkTableTests {
    let partition = PartitionID(topic: "dossier.events", partition: 2)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func mark(_ dossier: String) -> DeliveryMark { DeliveryMark(target: "bca", dossierCode: dossier) }

    @Test func finishedMemoriesPastTheHorizonAreForgottenAndTheRestKept() {
        var table = DeliveryMarkTable()
        let memory = JSONValue.object(["event": .string("e")])
        table.set(memory, finishedAt: start, of: mark("only-memory"), in: partition)
        table.raise(mark("marked"), in: partition, to: 10)
        table.set(memory, finishedAt: start, of: mark("marked"), in: partition)
        table.set(memory, of: mark("going-on"), in: partition)
        table.set(memory, finishedAt: start + 3_600, of: mark("finished-later"), in: partition)

        let forgotten = table.forgetFinished(before: start + 60)

        #expect(forgotten == 2)
        #expect(table.entry(mark("only-memory"), in: partition) == nil, "nothing else was kept of it")
        #expect(table.entry(mark("marked"), in: partition) == DeliveryMarkTable.Entry(offset: 10), "its mark stays, without the memory")
        #expect(table.entry(mark("going-on"), in: partition)?.memory == memory)
        #expect(table.entry(mark("finished-later"), in: partition)?.memory == memory)
        #expect(table.forgetFinished(before: start + 60) == 0, "forgotten once")
    }

    @Test func aMemoryIsKeptAsTextAndReadBackWhole() {
        var table = DeliveryMarkTable()
        let memory = JSONValue.object([
            "event": .string("e-\"1\"\\ hồ sơ đã tồn tại\n"), "through": .integer(-3), "furthest": .null, "ratio": .number(0.25),
            "done": .bool(true), "steps": .array([.integer(1), .object(["at": .string("20250711")]), .array([])]), "empty": .object([:]),
        ])
        table.set(memory, of: mark("kept"), in: partition)
        #expect(table.entry(mark("kept"), in: partition)?.memory == memory)
        #expect(table.entry(mark("kept"), in: partition)?.hasMemory == true)
        table.set(.string("later"), of: mark("kept"), in: partition)
        #expect(table.entry(mark("kept"), in: partition)?.memory == .string("later"), "a later memory replaces the earlier")
        table.set(nil, of: mark("kept"), in: partition)
        #expect(table.entry(mark("kept"), in: partition) == nil, "forgotten, and no mark to keep")
    }

    @Test func aForgottenMemoryCarriesNoFinishingTime() {
        var table = DeliveryMarkTable()
        table.raise(mark("d"), in: partition, to: 4)
        table.set(nil, finishedAt: start, of: mark("d"), in: partition)
        #expect(table.entry(mark("d"), in: partition) == DeliveryMarkTable.Entry(offset: 4))
        #expect(table.forgetFinished(before: start + 60) == 0)
    }
}

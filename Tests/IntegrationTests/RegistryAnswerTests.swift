import Foundation
import GatewayDev
import GatewayModel
import Kafka
import Logging
import MockSupport
import SampleTraffic
import Testing

/// One full civil-status procedure, both ways: a birth registration goes out to the civil
/// registry and to BCA, the registry's states come back on the inbound topic in order, and the
/// one-stop's result, filled from the registry's record, reaches BCA as status 4 after 7.
@Suite(.serialized) struct RegistryAnswerTests {
    static let targets = [
        "GATEWAY__targets__hotich__enabled": "true",
        "GATEWAY__targets__bca__enabled": "true",
        "GATEWAY__targets__bca__retry__initialBackoffMilliseconds": "10",
    ]

    @Test func aBirthRegistrationGoesOutAndItsResultComesBackInOrderAndReachesBCAAsStatusFour() async throws {
        try await GatewayHarness.run(partitions: 2, overrides: Self.targets) { harness in
            let traffic = SampleTraffic(seed: 7, awaitsRegistry: true)
            let all = traffic.events(count: 300)
            // A birth dossier received and forwarded: statuses 1, 3 and 7 for BCA, NhanDKHT for the registry.
            let dossier = try #require(all.first { event in
                event.type == .received && event.data.procedure.interconnectModule == "LTKS"
                    && all.contains { $0.dossierCode == event.dossierCode && $0.type == .progressed }
            }?.dossierCode)
            let events = all.filter { $0.dossierCode == dossier }
            #expect(!events.contains { $0.type == .resolved }, "the result waits for the registry")
            let oneStop = OneStopStandIn(traffic: traffic, stack: harness.stack, logger: Logger(label: "one-stop"))
            let answering = Task { try await oneStop.run() }
            defer { answering.cancel() }
            await oneStop.sent(events)
            // Eligible for 5 s before the result is issued: polled every 300 ms, the state is
            // seen even when a loaded machine delays a poll round by seconds.
            _ = try await harness.stack.control("hotich", "registry/pace", body: ["eligibleAfterMilliseconds": 1_000, "issuedAfterMilliseconds": 6_000])
            try await harness.stack.produce(events)

            // The one-stop publishes the resolved and returned events once the result is issued.
            let end = ContinuousClock.now + .seconds(90)
            while await oneStop.answeredCount < 1, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(100)) }
            #expect(await oneStop.answeredCount == 1, "the registry's result came back and the one-stop answered it")
            let published = await oneStop.published
            _ = try await harness.waitUntilIdle(consumed: events.count + published)

            let inbound = try await harness.stack.read(DevStack.topics.inbound, count: 3, timeout: .seconds(10))
                .filter { $0.keyText == dossier }
                .map { try JSONCoding.decoder.decode(RegistryAnswerEvent.self, from: Data($0.value)) }
            let states = inbound.map(\.data.trangThai)
            #expect(states.last == 4, "the last answer is the issued result: \(states)")
            #expect(states == states.sorted() && Set(states).count == states.count, "in the registry's order, each once: \(states)")
            #expect(Set(inbound.map(\.id)).count == inbound.count)
            #expect(states.contains(3), "eligible before issued: \(states)")
            let issued = try #require(inbound.last)
            #expect(issued.type == "vn.gov.hotich.registration.result-issued" && issued.subject == dossier && issued.source == "/gateway/hotich")
            let result = try #require(issued.data.result)
            #expect(result.certificateBase64 != nil && result.identityNumber != nil && result.registrationNumber != nil)

            // BCA saw 1, 3, 7 (a supplement may come between), then 4 carrying the registry's record, then 5.
            let pushes = await harness.journal(of: "bca").filter { $0.dossiers == [dossier] && $0.accepted }
            let statuses = pushes.compactMap(\.statuses.first)
            #expect(Array(statuses.prefix(3)) == ["1", "3", "7"] && Array(statuses.suffix(3)) == ["7", "4", "5"], "\(statuses)")
            #expect(statuses.filter { $0 == "4" }.count == 1)
            let four = try #require(pushes.first { $0.statuses == ["4"] })
            let body = try #require(try JSONSerialization.jsonObject(with: Data(four.body.utf8)) as? [String: Any])
            let carried = try #require((body["ketQuaXuLy"] as? String).flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            #expect(carried["soDangKy"] as? String == result.registrationNumber, "status 4 carries the registry's numbers")
            #expect(carried["soDinhDanh"] as? String == result.identityNumber)
            #expect(carried["giayKhaiSinh"] as? String == result.certificateBase64, "and its certificate")

            // The registry was asked for the result by the dossier's code, in its module.
            let polls = await harness.journal(of: "hotich").filter { $0.operation == "KetQuaDKHT" }
            #expect(!polls.isEmpty && polls.allSatisfy(\.accepted))
        }
    }
}

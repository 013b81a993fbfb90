import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import Kafka
import MockSupport
import SampleTraffic
import Testing

/// The real gateway against the embedded broker and the real DVCQG mock.
@Suite(.serialized) struct EndToEndTests {
    func example(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: GatewayHarness.contracts).appendingPathComponent("examples/events/\(name).json")))
    }

    @Test func everyEventGetsOneResultAndReachesDVCQGInEachDossiersOrder() async throws {
        let events = SampleTraffic(seed: 7).events(count: 150)
        try await GatewayHarness.run { harness in
            try await harness.stack.produce(events)
            try await harness.waitForOutcomes(events.count)

            let results = try await harness.results(events.count)
            #expect(results.count == events.count)
            #expect(Set(results.map(\.eventId)) == Set(events.map(\.id)), "one result per event")
            #expect(results.allSatisfy { $0.outcome == .delivered && $0.target == "dvcqg" && $0.answerCode == "0" })

            let journal = await harness.journal(of: "dvcqg")
            #expect(journal.allSatisfy { $0.accepted }, "every request met the contract: \(journal.filter { !$0.accepted }.map { $0.rejection ?? "" })")
            // A call that outlives the 2 s timeout on a loaded machine is sent again under its
            // idempotency key and absorbed by the mock: what counts is what DVCQG applied.
            let syncs = journal.filter { $0.operation == "DongBoHoSoMC" && !$0.absorbed }
            #expect(syncs.count == events.count)
            let expectedStatus: [DossierEventType: String] = [
                .submitted: "1", .received: "2", .rejected: "3", .progressed: "4", .supplementRequested: "5",
                .feeRequested: "6", .withdrawn: "7", .suspended: "8", .resolved: "9", .resultReturned: "10",
            ]
            for dossier in Set(events.map(\.dossierCode)) {
                let sent = events.filter { $0.dossierCode == dossier }.map { expectedStatus[$0.type]! }
                let seen = syncs.filter { $0.dossiers == [dossier] }.flatMap(\.statuses)
                #expect(seen == sent, "dossier \(dossier) arrived out of order")
            }
            let progressRows = events.filter { $0.type == .progressed }.reduce(0) { $0 + ($1.data.progress?.count ?? 0) }
            let progressCalls = journal.filter { $0.operation == "CapNhatTienDoHoSoMC" && !$0.absorbed }
            #expect(progressCalls.reduce(0) { $0 + $1.dossiers.count } == progressRows)
            #expect(progressCalls.allSatisfy { $0.dossiers.count <= 10 })
        }
    }

    @Test func eachCallContinuesTheEventsTraceAsItsOwnSpan() async throws {
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        try await GatewayHarness.run(partitions: 1) { harness in
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: try example("received"), headers: [
                KafkaHeader(key: "traceparent", text: parent), KafkaHeader(key: "tracestate", text: "motcua=cantho"),
            ])
            try await harness.waitForOutcomes(1)
            let calls = await harness.journal(of: "dvcqg").filter { $0.operation != "login" }
            #expect(!calls.isEmpty)
            var spans: Set<String> = []
            for call in calls {
                let parts = try #require(call.traceparent?.split(separator: "-").map(String.init), "every call carries traceparent")
                #expect(parts.count == 4 && parts[0] == "00" && parts[1] == "4bf92f3577b34da6a3ce929d0e0e4736" && parts[3] == "01", "the event's trace: \(call.traceparent ?? "")")
                #expect(parts[2] != "00f067aa0ba902b7", "a span of its own")
                spans.insert(parts[2])
            }
            #expect(spans.count == calls.count, "a new span id per call")
            let result = try #require(try await harness.results(1).first)
            #expect(result.traceparent?.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-") == true)
            #expect(result.traceparent.map { !spans.contains(String($0.split(separator: "-")[2])) } == true, "the delivery has a span of its own, apart from its calls'")
        }
    }

    @Test func aMalformedEventIsDeadLetteredAndTheNextOneStillFlows() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: Array("{\"specversion\":\"1.0\",".utf8),
                                               headers: [KafkaHeader(key: "traceparent", text: "00-trace-01")])
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: try example("received"))
            try await harness.waitForOutcomes(1, invalid: 1)

            let letters = try await harness.deadLetters(1)
            let letter = try #require(letters.first)
            #expect(letter.value == Array("{\"specversion\":\"1.0\",".utf8), "the original is kept untouched")
            #expect(letter.headers.text("dlq.reason")?.hasPrefix("invalid-event") == true)
            #expect(letter.headers.text("dlq.error.class") == "invalid-event")
            #expect(letter.headers.text("dlq.original.offset") == "0")
            #expect(letter.headers.text("traceparent") == "00-trace-01")

            let results = try await harness.results(1)
            #expect(results.map(\.outcome) == [.delivered])
            #expect(results.first?.source.offset == 1)
        }
    }

    @Test func serverErrorsThreeTimesThenSuccessIsDelivered() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 500, count: 3, operation: "DongBoHoSoMC"))
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: try example("received"))
            try await harness.waitForOutcomes(1)
            let result = try #require(try await harness.results(1).first)
            #expect(result.outcome == .delivered)
            #expect(result.attempts == 4)
            let syncs = await harness.journal(of: "dvcqg").filter { $0.operation == "DongBoHoSoMC" }
            #expect(syncs.map(\.status) == [500, 500, 500, 200])
            #expect(Set(syncs.compactMap(\.idempotencyKey)).count == 1, "retries keep the idempotency key")
        }
    }

    @Test func aContractRefusalIsDeadLetteredWithEveryHeader() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            await harness.fault(on: "dvcqg", FaultPlan(status: 400, body: #"{"error_code":"-1","message":"Dữ liệu không hợp lệ","session":"leak-me"}"#, count: 1, operation: "DongBoHoSoMC"))
            let raw = try example("received")
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: raw)
            try await harness.waitForOutcomes(1)

            let letter = try #require(try await harness.deadLetters(1).first)
            #expect(letter.value == raw)
            #expect(letter.keyText == "000.00.12.H13-250711-00042")
            let expected = [
                "dlq.original.topic": "dossier.events", "dlq.original.partition": "0", "dlq.original.offset": "0",
                "dlq.target": "dvcqg", "dlq.operation": "DongBoHoSoMC", "dlq.http.status": "400", "dlq.answer.code": "-1",
                "dlq.attempts": "1", "dlq.error.class": "http-400", "dlq.reason": "permanent", "dlq.method": "POST",
                "dlq.idempotency.key": "000.00.12.H13-250711-00042/7b0f6a52-4d1e-4c55-9a0e-2f1d0c6e1a01/dvcqg/DongBoHoSoMC",
            ]
            for (name, value) in expected {
                #expect(letter.headers.text(name) == value, "\(name)")
            }
            for name in ["dlq.original.timestamp", "dlq.url", "dlq.answer.excerpt", "dlq.contract.version", "dlq.gateway.version", "dlq.dead-lettered.at", "dlq.event.id"] {
                #expect(!(letter.headers.text(name) ?? "").isEmpty, "\(name) is filled")
            }
            #expect(letter.headers.text("dlq.url")?.hasSuffix("/api/dvcqg/integration") == true)
            #expect(letter.headers.text("dlq.answer.excerpt")?.contains("leak-me") == false, "no secrets in dead letters")
            #expect(letter.headers.allSatisfy { !$0.text.contains("dev-password") })

            let result = try #require(try await harness.results(1).first)
            #expect(result.outcome == .deadLettered)
            #expect(result.httpStatus == 400)
            #expect(result.answerCode == "-1")
        }
    }

    @Test func anExpiredSessionLeadsToANewLoginThenDelivery() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: try example("received"))
            try await harness.waitForOutcomes(1)
            await harness.stack.mocks.control("dvcqg").expireSessions()
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: try example("result-returned"))
            try await harness.waitForOutcomes(2)

            let results = try await harness.results(2)
            #expect(results.map(\.outcome) == [.delivered, .delivered])
            #expect(results.last?.attempts == 1, "a new login is not a failed attempt")
            let journal = await harness.journal(of: "dvcqg")
            #expect(journal.map(\.operation) == ["login", "DongBoHoSoMC", "DongBoHoSoMC", "login", "DongBoHoSoMC"])
            #expect(journal.map(\.answerCode) == ["0", "0", "-2", "0", "0"])
        }
    }

    @Test func anInsertAnsweredAlreadyExistsIsResentAsAnUpdate() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            let raw = try example("received")
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: raw)
            try await harness.waitForOutcomes(1)
            // The one-stop system publishes the reception again under a new event id.
            var again = try JSONCoding.decoder.decode(DossierEvent.self, from: Data(raw))
            again.id = "7b0f6a52-4d1e-4c55-9a0e-2f1d0c6e1a99"
            try await harness.stack.produce([again])
            try await harness.waitForOutcomes(2)

            let results = try await harness.results(2)
            #expect(results.map(\.outcome) == [.delivered, .duplicate])
            let syncs = await harness.journal(of: "dvcqg").filter { $0.operation == "DongBoHoSoMC" }
            #expect(syncs.map(\.answerCode) == ["0", "-3", "0"])
            #expect(syncs.map { $0.body.contains(#""isUpdating":"True""#) } == [false, false, true])
        }
    }

    @Test func aRedeliveredEventIsAbsorbedByItsIdempotencyKey() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            let raw = try example("received")
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: raw)
            try await harness.stack.produceRaw(key: "000.00.12.H13-250711-00042", value: raw)
            try await harness.waitForOutcomes(2)
            let syncs = await harness.journal(of: "dvcqg").filter { $0.operation == "DongBoHoSoMC" }
            #expect(syncs.count == 2)
            #expect(Set(syncs.compactMap(\.idempotencyKey)) == ["000.00.12.H13-250711-00042/7b0f6a52-4d1e-4c55-9a0e-2f1d0c6e1a01/dvcqg/DongBoHoSoMC"])
            #expect(syncs.map(\.absorbed) == [false, true])
            #expect(try await harness.results(2).allSatisfy { $0.outcome == .delivered })
        }
    }

    @Test func offsetsAreCommittedBehindDurableOutcomes() async throws {
        try await GatewayHarness.run(partitions: 1) { harness in
            let events = SampleTraffic(seed: 11).events(count: 20)
            try await harness.stack.produce(events)
            try await harness.waitForOutcomes(events.count)
            #expect(try await harness.committed(expected: 20) == 20)
        }
    }

    @Test func gracefulShutdownFinishesTheCallsInFlightAndCommitsThem() async throws {
        let events = SampleTraffic(seed: 12).events(count: 6).filter { $0.type == .received }
        #expect(!events.isEmpty)
        try await GatewayHarness.run(partitions: 1) { harness in
            // Every first call answers after 1.5 s: all are in flight when the stop comes.
            await harness.fault(on: "dvcqg", FaultPlan(latencyMilliseconds: 1_500, count: events.count, operation: "DongBoHoSoMC"))
            try await harness.stack.produce(events)
            let end = ContinuousClock.now + .seconds(30)
            while harness.gateway.statistics.snapshot.eventsConsumed < events.count, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(harness.gateway.statistics.snapshot.totalOutcomes == 0, "the calls are still in flight")
            await harness.stopGateway()
            #expect(harness.gateway.statistics.snapshot.totalOutcomes == events.count, "every call in flight finished and was recorded")
            #expect(try await harness.results(events.count).count == events.count)
            #expect(try await harness.committed(expected: Int64(events.count)) == Int64(events.count), "and their offsets were committed")
        }
    }
}

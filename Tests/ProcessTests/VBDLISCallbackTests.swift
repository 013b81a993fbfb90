import Foundation
import GatewayDev
import GatewayHTTP
import GatewayModel
import Kafka
import Testing

/// VBDLIS calling a real `gateway run` back: the security code, the contract, the size bound,
/// Result 1 only once Kafka has the call, each call once and in each dossier's order, also
/// across a gateway killed with SIGKILL while calls come in.
@Suite(.serialized) struct VBDLISCallbackTests {
    static let code = "test-callback-code-7f3a"
    static let overrides = [
        "GATEWAY__inbound__vbdlisCallbacks__listen": "127.0.0.1:0",
        "GATEWAY__inbound__vbdlisCallbacks__securityCode": #"{"env": "TEST_VBDLIS_CALLBACK_CODE"}"#,
        "GATEWAY__inbound__vbdlisCallbacks__maxBodyBytes": "4096",
        "GATEWAY__inbound__vbdlisCallbacks__ratePerSecond": "1000",
        "GATEWAY__inbound__vbdlisCallbacks__rateBurst": "1000",
        "TEST_VBDLIS_CALLBACK_CODE": code,
    ]

    struct Answer {
        let status: Int
        let result: Int?
        let message: String
    }

    static func call(_ port: Int, _ call: String, code: String? = Self.code, body: [UInt8]) async throws -> Answer {
        let http = AsyncHTTPTransport(connectionsPerHost: 1)
        let url = "http://127.0.0.1:\(port)/api/vbdlis/\(call)" + (code.map { "/\($0)" } ?? "")
        let response: InboundResponse
        do {
            response = try await http.send(OutboundRequest(url: url, headers: [("Content-Type", "application/json")], body: body, timeout: .seconds(15)))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        return Answer(status: response.status, result: object?["Result"] as? Int, message: object?["Message"] as? String ?? "")
    }

    static func json(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) }

    static func callbacks(_ messages: [KafkaConsumerMessage]) -> [(offset: Int64, partition: Int32, envelope: InboundEnvelope)] {
        messages.compactMap { message in
            guard let envelope = try? JSONCoding.decoder.decode(InboundEnvelope.self, from: Data(message.value)), envelope.id.hasPrefix("vbdlis:") else { return nil }
            return (message.offset, message.partition, envelope)
        }
    }

    func listening(_ gateway: GatewayProcess) async throws -> Int {
        let end = ContinuousClock.now + .seconds(60)
        while gateway.callbackPort == nil, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        return try #require(gateway.callbackPort, "the listener says where it listens")
    }

    @Test func aForgedOrMissingCodeAndABadBodyGetResultZeroAndChangeNothing() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let gateway = try harness.startGateway(group: "callbacks-refused", name: "gateway", overrides: Self.overrides)
        let port = try await listening(gateway)
        let good = Self.json(["SoBienNhan": "000.00.15.H13-251207-00001", "NgayChuyen": "2025-12-07T09:00:00", "NoiDung": "Chuyển"])

        let forged = try await Self.call(port, "ChuyenHoSo", code: "guess", body: good)
        #expect(forged.status == 401 && forged.result == 0)
        let missing = try await Self.call(port, "ChuyenHoSo", code: nil, body: good)
        #expect(missing.status == 401 && missing.result == 0)
        for (call, body, reason) in [
            ("ChuyenHoSo", Array("not json".utf8), "not a JSON object"),
            ("ChuyenHoSo", Self.json(["NoiDung": "x"]), "SoBienNhan"),
            ("YeuCauBoSungHoSo", Self.json(["SoBienNhan": "000.00.15.H13-251207-00001"]), "NoiDung"),
            ("ChuyenHoSo", Self.json(["SoBienNhan": "000.00.15.H13-251207-00001", "NgayChuyen": "07/12/2025"]), "NgayChuyen"),
            ("XoaHoSo", good, "unknown call"),
        ] {
            let answer = try await Self.call(port, call, body: body)
            #expect(answer.status == 400 && answer.result == 0 && answer.message.contains(reason), "\(call): \(answer.message)")
        }
        let large = try await Self.call(port, "ChuyenHoSo", body: Self.json(["SoBienNhan": "X", "NoiDung": String(repeating: "a", count: 8_000)]))
        #expect(large.status == 413 && large.result == 0)

        let accepted = try await Self.call(port, "ChuyenHoSo", body: good)
        #expect(accepted.status == 200 && accepted.result == 1, "\(accepted.message)")
        let again = try await Self.call(port, "ChuyenHoSo", body: good)
        #expect(again.status == 200 && again.result == 1, "a call sent again is answered as taken")

        let messages = try await harness.read("nationalsystems.inbound", timeout: .seconds(5)) { _ in false }
        let published = Self.callbacks(messages)
        #expect(published.count == 1, "only the good call, once: \(published.map(\.envelope.id))")
        #expect(published.first?.envelope.type == "vn.gov.vbdlis.chuyenhoso" && published.first?.envelope.subject == "000.00.15.H13-251207-00001")

        let http = AsyncHTTPTransport(connectionsPerHost: 1)
        let scraped = try? await http.send(OutboundRequest(method: "GET", url: "http://127.0.0.1:\(try #require(gateway.adminPort))/metrics"))
        try? await http.shutdown()
        let metrics = String(decoding: scraped?.body ?? [], as: UTF8.self)
        #expect(metrics.contains(#"gateway_callbacks_total{call="ChuyenHoSo",outcome="unauthorised"} 1"#), "the forged code is counted")
        #expect(metrics.contains(#"outcome="invalid""#) && metrics.contains(#"outcome="too-large""#) && metrics.contains(#"outcome="repeat""#))
        #expect(!gateway.logText.contains(Self.code), "the security code is never logged")
        #expect(!gateway.logText.contains("Chuyển"), "nor the body")
        try await gateway.waitUntilJoined()
        #expect(await gateway.terminate() == 0)
    }

    @Test func whileKafkaIsUnreachableACallGetsResultZeroAndIsTakenWhenSentAgainLater() async throws {
        let harness = try ProcessHarness(partitions: 2)
        let gateway = try harness.startGateway(group: "callbacks-kafka-down", name: "gateway", overrides: Self.overrides)
        let port = try await listening(gateway)
        try await gateway.waitUntilJoined()
        let body = Self.json(["SoBienNhan": "000.00.15.H13-251207-00042", "NgayKetThuc": "2025-12-07T16:00:00"])
        harness.pauseBroker()
        let refused = try await Self.call(port, "KetThucHoSo", body: body)
        harness.resumeBroker()
        #expect(refused.status == 503 && refused.result == 0, "not taken while Kafka does not answer: \(refused.message)")
        var taken: Answer?
        for _ in 0..<40 where taken?.result != 1 {
            taken = try await Self.call(port, "KetThucHoSo", body: body)
            if taken?.result != 1 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(taken?.result == 1, "taken once Kafka is back")
        let published = Self.callbacks(try await harness.read("nationalsystems.inbound", timeout: .seconds(5)) { _ in false })
        #expect(published.count == 1, "published once, though the first send may have reached Kafka late: \(published.map(\.envelope.id))")
        #expect(await gateway.terminate() == 0)
    }

    @Test func callbacksSentAgainUntilTakenArriveOnceInEachDossiersOrderAcrossAKilledGateway() async throws {
        let harness = try ProcessHarness(partitions: 2)
        var gateway = try harness.startGateway(group: "callbacks-kill", name: "first", overrides: Self.overrides)
        var port = try await listening(gateway)
        let dossiers = (1...4).map { String(format: "000.00.15.H13-251207-%05d", $0) }
        let sequence = ["ChuyenHoSo", "YeuCauBoSungHoSo", "NhanBoSungHoSo", "KetThucHoSo"]
        var sent: [String: [String]] = [:]
        var killed = false
        for (step, call) in sequence.enumerated() {
            for dossier in dossiers {
                var body: [String: Any] = ["SoBienNhan": dossier, "NgayXuLy": "2025-12-07T09:0\(step):00"]
                if call == "YeuCauBoSungHoSo" { body["NoiDung"] = "Bổ sung bản đồ" }
                // As VBDLIS does: sent again until answered Result 1.
                var taken = false
                for _ in 0..<60 where !taken {
                    if let answer = try? await Self.call(port, call, body: Self.json(body)), answer.result == 1 {
                        taken = true
                    } else {
                        try await Task.sleep(for: .milliseconds(250))
                        if let bound = gateway.callbackPort { port = bound }
                    }
                }
                #expect(taken, "\(call) of \(dossier) taken")
                sent[dossier, default: []].append(call)
                if step == 1, dossier == dossiers[1], !killed {
                    // Killed right after a call was taken: the next calls find it gone, then a new one.
                    gateway.kill()
                    killed = true
                    gateway = try harness.startGateway(group: "callbacks-kill", name: "second", overrides: Self.overrides)
                    // Its answer lost, VBDLIS sends the last call again to the new process: taken, not published again.
                    port = try await listening(gateway)
                    let again = try await Self.call(port, call, body: Self.json(body))
                    #expect(again.result == 1, "a call sent again after a restart is answered as taken: \(again.message)")
                }
            }
        }
        let messages = try await harness.read("nationalsystems.inbound", timeout: .seconds(5)) { _ in false }
        // librdkafka 2.0's cooperative-sticky assignor aborts a consumer closed before its first assignment.
        try await gateway.waitUntilJoined()
        let status = await gateway.terminate()
        if status != 0 { try? gateway.logText.write(toFile: "/tmp/callback-gateway.log", atomically: true, encoding: .utf8) }
        #expect(status == 0, "the gateway stopped cleanly")
        let published = Self.callbacks(messages)
        #expect(Set(published.map(\.envelope.id)).count == published.count, "each call once: \(published.map(\.envelope.id))")
        for dossier in dossiers {
            let calls = published.filter { $0.envelope.subject == dossier }
            #expect(Set(calls.map(\.partition)).count == 1, "one partition per dossier")
            let order = calls.sorted { $0.offset < $1.offset }.map { String($0.envelope.id.split(separator: ":")[1]) }
            #expect(order == sent[dossier], "\(dossier): in the order VBDLIS made them: \(order)")
        }
    }
}

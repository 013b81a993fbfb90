import AdapterSupport
import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Logging
import SampleTraffic
import Synchronization

/// The gateway's own work per event, without I/O: each event decoded, routed, and delivered
/// through the delivery engine and the real DVCQG and EMC adapters (request bodies, answer
/// classification, retries, breaker, marks, parking checks), its result records encoded. The
/// transport answers at once and nothing goes to Kafka.
///
/// End-to-end runs share two cores with the broker and the mocks, and their CPU per event moves
/// by a tenth or more from one run to the next. This leg measures the part that is the
/// gateway's own code in one process, so that a change to it shows.
enum EngineLeg {
    static func run(_ count: Int, contracts: String) async throws -> [String: Double] {
        let targets = ["dvcqg", "emc"]
        var environment = MockSystems.secrets.merging(
            MockSystems.configurationOverrides(urls: Dictionary(uniqueKeysWithValues: targets.map { (TargetName($0), "https://\($0).bench.invalid") }))
        ) { $1 }
        for system in AdapterRegistry.systems where !targets.contains(system.target.rawValue) {
            environment["GATEWAY__targets__\(system.target.rawValue)__enabled"] = "false"
        }
        let configuration = try GatewayConfiguration.load(path: nil, environment: environment)
        var adapters: [any TargetAdapter] = []
        for name in targets {
            guard let system = AdapterRegistry.system(named: name), let settings = configuration.targets[name] else { continue }
            let table = try ClassificationTable.load(from: contracts + "/\(name)/classification.json")
            let context = AdapterContext(transport: AnsweringTransport(), classification: table, environment: environment, logger: Scenarios.logger)
            adapters.append(try system.makeAdapter(connection: settings.connection, context: context))
        }
        let router = try Router(rules: configuration.routes.filter { rule in adapters.contains { $0.target == rule.target } }, adapters: adapters)
        let events = SampleTraffic(seed: 42).events(count: count)
        let encoded = try events.map { Array(try JSONCoding.encoder.encode($0)) }
        let settings = Dictionary(uniqueKeysWithValues: targets.map { (TargetName($0), TargetSettings(maxInFlight: configuration.targets[$0]?.maxInFlight ?? 32)) })

        // The least CPU of five passes: the others carry other processes' noise.
        var best = (cpu: Double.infinity, wall: Double.infinity, outcomes: 0, delivered: 0)
        for _ in 0..<5 {
            let parking = InMemoryParkingLot()
            let marks = InMemoryDeliveryMarks()
            let engine = DeliveryEngine(adapters: adapters, settings: settings, parking: parking, marks: marks, logger: Scenarios.logger)
            let writer = OutcomeWriter(parking: parking, marks: marks, records: EncodedRecords(), logger: Scenarios.logger)
            let tally = Mutex((outcomes: 0, delivered: 0))
            var expected = 0
            let cpuBefore = ProcessCPU.seconds()
            let started = ContinuousClock.now
            for (index, bytes) in encoded.enumerated() {
                let event = try DossierEventDecoder.decode(bytes, key: events[index].dossierCode)
                let origin = EventOrigin(
                    topic: "dossier.events", partition: Int32(index % 96), offset: Int64(index), timestampMilliseconds: nil,
                    key: Array(event.dossierCode.utf8), value: bytes, headers: []
                )
                for route in router.routes(for: event) {
                    expected += 1
                    let delivery = Delivery(event: event, target: route.target, operations: route.operations, origin: origin, trace: DeliveryTrace.child(of: nil))
                    await engine.submit(delivery) { outcome in
                        _ = await writer.write(outcome)
                        tally.withLock { tally in
                            tally.outcomes += 1
                            if outcome.status == .delivered { tally.delivered += 1 }
                        }
                    }
                }
            }
            while tally.withLock({ $0.outcomes }) < expected { try await Task.sleep(for: .milliseconds(1)) }
            let wall = started.duration(to: .now).seconds
            let cpu = ProcessCPU.seconds() - cpuBefore
            await engine.shutdown(deadline: .seconds(1))
            if cpu < best.cpu {
                let (outcomes, delivered) = tally.withLock { ($0.outcomes, $0.delivered) }
                best = (cpu, wall, outcomes, delivered)
            }
        }
        print("  engine: \(count) events, \(best.outcomes) outcomes, \(best.delivered) delivered, no I/O")
        return [
            "cpu_us_per_event": best.cpu * 1e6 / Double(count),
            "events_per_second": Double(count) / best.wall,
            "outcomes_per_event": Double(best.outcomes) / Double(count),
            "delivered_share": Double(best.delivered) / Double(max(1, best.outcomes)),
        ]
    }
}

/// Answers every call at once with success: a session for DVCQG's sign-in (its default
/// `authPath` ends in `/login`), `error_code` 0 otherwise, which EMC reads by its status alone.
struct AnsweringTransport: HTTPTransport {
    private static let session = Array(#"{"error_code":0,"session":"bench-session"}"#.utf8)
    private static let accepted = Array(#"{"error_code":0,"message":"Thành công"}"#.utf8)

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        let body = request.url.hasSuffix("/login") ? Self.session : Self.accepted
        return InboundResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
    }
}

/// Encodes each outcome's result record, as the gateway does before it produces it, and keeps nothing.
struct EncodedRecords: OutcomeRecords {
    func record(_ outcome: DeliveryOutcome) async -> Bool {
        !ResultRecord(outcome: outcome).encoded().isEmpty
    }
}

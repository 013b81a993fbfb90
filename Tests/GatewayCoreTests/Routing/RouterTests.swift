import GatewayCore
import GatewayModel
import Testing

struct NamedAdapter: TargetAdapter {
    let target: TargetName
    let operations: Set<String>
    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async -> OperationAnswer { OperationAnswer(verdict: .delivered) }
    func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {}
}

@Suite struct RouterTests {
    let adapters: [any TargetAdapter] = [
        NamedAdapter(target: "dvcqg", operations: ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"]),
        NamedAdapter(target: "vbdlis", operations: ["tiepnhan"]),
    ]

    @Test func mergesRulesPerTargetInTableOrder() throws {
        let router = try Router(rules: [
            RouteRule(target: "dvcqg", operations: ["DongBoHoSoMC"]),
            RouteRule(fields: ["DD"], target: "vbdlis", operations: ["tiepnhan"]),
            RouteRule(events: ["progressed"], target: "dvcqg", operations: ["CapNhatTienDoHoSoMC", "DongBoHoSoMC"]),
        ], adapters: adapters)
        let progressed = try Fixtures.event("progressed")
        #expect(router.routes(for: progressed) == [Route(target: "dvcqg", operations: ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"])])

        var land = try Fixtures.event("received")
        land.data.field = .init(code: "DD", name: "Đất đai")
        #expect(router.routes(for: land).map(\.target) == ["dvcqg", "vbdlis"])
    }

    @Test func modulesMatchOnlyInterconnectedProcedures() throws {
        let router = try Router(rules: [RouteRule(modules: ["LTKS"], target: "vbdlis", operations: ["tiepnhan"])], adapters: adapters)
        var event = try Fixtures.event("received")
        #expect(router.routes(for: event).isEmpty)
        event.data.procedure.interconnectModule = "LTKS"
        #expect(router.routes(for: event).count == 1)
    }

    @Test func refusesTablesThatNameUnknownThings() {
        #expect(throws: ConfigurationError.self) { try Router(rules: [RouteRule(target: "hotich", operations: ["NhanDKHT"])], adapters: adapters) }
        #expect(throws: ConfigurationError.self) { try Router(rules: [RouteRule(target: "dvcqg", operations: ["Xoa"])], adapters: adapters) }
        #expect(throws: ConfigurationError.self) { try Router(rules: [RouteRule(events: ["exploded"], target: "dvcqg", operations: ["DongBoHoSoMC"])], adapters: adapters) }
    }
}

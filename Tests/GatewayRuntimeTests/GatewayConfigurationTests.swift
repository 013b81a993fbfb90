import AdapterSupport
import Foundation
import GatewayCore
import GatewayModel
import Logging
import Testing
@testable import GatewayRuntime

@Suite struct GatewayConfigurationTests {
    /// Loads `file` (JSON text) with `environment`, returning the configuration or the error's text.
    func load(_ file: String?, _ environment: [String: String] = [:]) -> Result<GatewayConfiguration, any Error> {
        let path = file.map { text -> String in
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).json")
            try? Data(text.utf8).write(to: url)
            return url.path
        }
        return Result { try GatewayConfiguration.load(path: path, environment: environment) }
    }

    func error(_ result: Result<GatewayConfiguration, any Error>) -> String? {
        if case .failure(let error) = result { return "\(error)" }
        return nil
    }

    @Test func defaultsLoadAndAgreeWithTheTypes() throws {
        let configuration = try load(nil).get()
        let dvcqg = try #require(configuration.targets["dvcqg"])
        #expect(dvcqg.maxInFlight == 32)
        #expect(dvcqg.rateBurst == 20)
        #expect(dvcqg.breaker == BreakerPolicy())
        #expect(dvcqg.retry == RetryPolicy())
        #expect(configuration.kafka.maxRecordBytes == 1_000_000)
    }

    @Test(arguments: [
        (#"{"kafka": {"bootstrapServer": "x:9092"}}"#, "kafka.bootstrapServer"),
        (#"{"delivery": {"maxBacklog": 5}}"#, "delivery.maxBacklog"),
        (#"{"targets": {"dvcqg": {"retry": {"maxAttempt": 3}}}}"#, "targets.dvcqg.retry.maxAttempt"),
        (#"{"logleve": "info"}"#, "logleve"),
    ])
    func anUnknownKeyIsAnErrorThatNamesIt(file: String, key: String) {
        #expect(error(load(file))?.contains("unknown key \(key)") == true, "\(error(load(file)) ?? "loaded")")
    }

    @Test func theAdminListenerIsOnLoopbackByDefaultAndNeedsATokenElsewhere() throws {
        let defaults = try load(nil).get().admin
        #expect(defaults.address?.host == "127.0.0.1" && defaults.address?.port == 9464 && defaults.token == nil)
        #expect(try load(nil, ["GATEWAY__admin__listen": "off"]).get().admin.address == nil)
        #expect(try load(#"{"admin": {"listen": null}}"#).get().admin.address == nil)
        #expect(error(load(nil, ["GATEWAY__admin__listen": "0.0.0.0:9464"]))?.contains("set admin.token") == true)
        let exposed = try load(nil, ["GATEWAY__admin__listen": "0.0.0.0:9464", "GATEWAY__admin__token": #"{"env": "ADMIN_TOKEN"}"#]).get().admin
        #expect(exposed.address?.host == "0.0.0.0" && exposed.token == .environment("ADMIN_TOKEN"))
        #expect(error(load(nil, ["GATEWAY__admin__listen": "9464"]))?.contains("admin.listen must be HOST:PORT") == true)
        #expect(error(load(nil, ["GATEWAY__admin__criticalTargets": #"["dvcqgg"]"#]))?.contains("admin.criticalTargets: no target dvcqgg") == true)
    }

    @Test func anUnknownKeyFromTheEnvironmentIsAnErrorToo() {
        #expect(error(load(nil, ["GATEWAY__delivery__comitIntervalMilliseconds": "5"]))?.contains("delivery.comitIntervalMilliseconds") == true)
    }

    @Test func anyLibrdkafkaPropertyPassesAndStaysText() throws {
        let configuration = try load(nil, ["GATEWAY__kafka__properties__fetch.wait.max.ms": "10", "GATEWAY__kafka__properties__socket.keepalive.enable": "true"]).get()
        #expect(configuration.kafka.properties["fetch.wait.max.ms"] == .text("10"))
        #expect(configuration.kafka.properties["socket.keepalive.enable"] == .text("true"))
    }

    @Test func aKafkaSecretComesFromTheEnvironmentOrAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
        try Data("from-file\n".utf8).write(to: file)
        let configuration = try load(#"{"kafka": {"properties": {"sasl.password": {"env": "KAFKA_PASSWORD"}, "ssl.key.password": {"file": "\#(file.path)"}, "sasl.username": "gw"}}}"#).get()
        let resolved = try configuration.kafka.resolvedProperties(environment: ["KAFKA_PASSWORD": "from-env"])
        #expect(resolved == ["sasl.password": "from-env", "ssl.key.password": "from-file", "sasl.username": "gw"])
        #expect(!configuration.effectiveJSON().contains("from-"))
        #expect(throws: (any Error).self) { try configuration.kafka.resolvedProperties(environment: [:]) }
    }

    @Test(arguments: ["enable.auto.commit", "enable.idempotence", "acks", "isolation.level", "message.max.bytes"])
    func theDeliverySafetyPropertiesCannotBeOverridden(name: String) {
        #expect(error(load(#"{"kafka": {"properties": {"\#(name)": "true"}}}"#))?.contains(name) == true)
    }

    @Test func turningOffTheBrokersCertificateCheckNeedsToBeMeant() throws {
        #expect(error(load(#"{"kafka": {"properties": {"enable.ssl.certificate.verification": "false"}}}"#))?.contains("kafka.allowInsecure") == true)
        #expect(error(load(#"{"kafka": {"properties": {"ssl.endpoint.identification.algorithm": "none"}}}"#))?.contains("kafka.allowInsecure") == true)
        #expect(throws: Never.self) { try load(#"{"kafka": {"allowInsecure": true, "properties": {"ssl.endpoint.identification.algorithm": "none"}}}"#).get() }
    }

    @Test func anInvalidLogLevelIsAnError() {
        #expect(error(load(#"{"logLevel": "verbose"}"#))?.contains("logLevel") == true)
    }

    @Test func membershipIsTheGroupUnlessSoleIsAskedForAndNothingElse() throws {
        #expect(try load(nil).get().kafka.membership == "group")
        #expect(try load(nil, ["GATEWAY__kafka__membership": "sole"]).get().kafka.membership == "sole")
        #expect(error(load(#"{"kafka": {"membership": "solo"}}"#)) == "kafka.membership must be one of group, sole; got solo")
    }

    @Test func plainHTTPToAnotherHostIsRefusedUnlessAllowed() throws {
        let remote = #"{"targets": {"emc": {"connection": {"baseURL": "http://emc.example.gov.vn"}}}}"#
        #expect(error(load(remote))?.contains("targets.emc.connection.baseURL") == true)
        let allowed = #"{"targets": {"emc": {"allowInsecure": true, "connection": {"baseURL": "http://emc.example.gov.vn"}}}}"#
        #expect(throws: Never.self) { try load(allowed).get() }
        #expect(throws: Never.self) { try load(#"{"targets": {"emc": {"connection": {"baseURL": "http://127.0.0.1:1"}}}}"#).get() }
        #expect(throws: Never.self) { try load(#"{"targets": {"emc": {"connection": {"baseURL": "https://emc.example.gov.vn"}}}}"#).get() }
        #expect(throws: Never.self) { try load(#"{"targets": {"emc": {"enabled": false, "connection": {"baseURL": "http://emc.example.gov.vn"}}}}"#).get() }
    }

    @Test func theEffectiveConfigurationShowsNoSecret() throws {
        let configuration = try load(#"{"kafka": {"properties": {"sasl.password": "hunter2", "sasl.username": "gw"}}}"#).get()
        let printed = configuration.effectiveJSON()
        #expect(!printed.contains("hunter2"))
        #expect(printed.contains("sasl.username"))
    }
}

@Suite struct NoFallbackTests {
    @Test func noSystemHasADefaultLocationOrIdentity() throws {
        for system in AdapterRegistry.systems {
            let text = String(decoding: try JSONEncoder().encode(system.defaultConnection), as: UTF8.self)
            #expect(!text.contains("baseURL") && !text.contains("127.0.0.1"), "\(system.target): \(text)")
            #expect(!text.contains("motcua-cantho") && !text.contains("\"92\""), "\(system.target): \(text)")
        }
    }

    @Test func anEnabledSystemWithoutItsLocationRefusesToStartAndNamesTheKey() throws {
        let table = ClassificationTable(system: "x", version: "1", rules: [], otherwise: .retryable)
        for system in AdapterRegistry.systems {
            let context = AdapterContext(transport: RefusingTransport(), classification: table, environment: [:], logger: .init(label: "test"))
            #expect {
                _ = try system.makeAdapter(connection: system.defaultConnection, context: context)
            } throws: { error in
                "\(error)".contains("targets.\(system.target).connection.") && "\(error)".contains("is required")
            }
        }
    }
}

struct RefusingTransport: HTTPTransport {
    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        throw TransportError(.connectionRefused, "no network in this test")
    }
}

@Suite struct SafeLogHandlerTests {
    @Test func valuesAreMaskedEscapedAndCapped() {
        #expect(SafeLogHandler.clean("CCCD 092301004217") == "CCCD *********217")
        #expect(SafeLogHandler.clean("a\nforged line\r\u{1B}[31m") == "a\\nforged line\\r\\u{1b}[31m")
        #expect(SafeLogHandler.clean(String(repeating: "x", count: 5_000)).utf8.count <= SafeLogHandler.maxValueBytes + 3)
        #expect(SafeLogHandler.clean(#"{"hoTen":"Lê Văn Tám"}"#) == #"{"hoTen":"***"}"#)
    }
}

/// The README's configuration table states the defaults the Swift types hold.
@Suite struct DocumentedDefaultsTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    @Test func theTargetDefaultsInTheREADMEAreTheEffectiveOnes() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let target = try #require(try GatewayConfiguration.load(path: nil, environment: [:]).targets["emc"])
        let row = { (key: String) in text.split(separator: "\n").first { $0.hasPrefix("| `targets.<name>.\(key)") }.map(String.init) ?? "" }
        #expect(row("maxInFlight").contains("| `\(target.maxInFlight)` |"), "\(row("maxInFlight"))")
        #expect(row("ratePerSecond").contains("/ `\(target.rateBurst)` |"), "\(row("ratePerSecond"))")
        let breaker = row("breaker.*")
        for (name, value) in [("consecutiveFailures", target.breaker.consecutiveFailures), ("minimumCalls", target.breaker.minimumCalls),
                              ("windowMilliseconds", target.breaker.window.wholeMilliseconds), ("maxPauseMilliseconds", target.breaker.maxPause.wholeMilliseconds)] {
            #expect(breaker.contains("\(name) \(value)`"), "README says otherwise for breaker.\(name): \(breaker)")
        }
        let retry = row("retry.*")
        for (name, value) in [("maxAttempts", target.retry.maxAttempts), ("budgetMilliseconds", target.retry.budget.wholeMilliseconds)] {
            #expect(retry.contains("\(name) \(value)"), "README says otherwise for retry.\(name): \(retry)")
        }
    }
}

import AdapterSupport
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel

/// The gateway's whole configuration: one JSON file, laid over the defaults below,
/// then overridden by `GATEWAY__section__key=value` environment variables.
package struct GatewayConfiguration: Codable, Sendable {
    package var kafka: KafkaSettings
    /// Where `Contracts/` lives (classification tables are read from it).
    package var contractsDirectory: String
    package var delivery: DeliverySettings
    /// Keyed by target name (`dvcqg`, `bca`, `vbdlis`, `hotich`, `emc`).
    package var targets: [String: TargetConfiguration]
    package var routes: [RouteRule]
    package var logLevel: String
    /// `text`, or `json` for one JSON object a line.
    package var logFormat: String
    package var admin: AdminSettings
    /// The national systems' answers brought back to the one-stop.
    package var inbound: InboundSettings

    /// The admin listener: health probes, metrics, status.
    package struct AdminSettings: Codable, Sendable {
        /// `HOST:PORT`; null or `off` turns the listener off.
        package var listen: String?
        /// A bearer token for every route but the health probes; required off loopback.
        package var token: SecretSource?
        /// Targets whose pause makes the gateway not ready.
        package var criticalTargets: [String]

        /// The host and port to bind, or nil when off.
        package var address: (host: String, port: Int)? {
            guard let listen, listen != "off", let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else { return nil }
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host, port)
        }

        var isLoopback: Bool {
            guard let host = address?.host else { return true }
            return host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    package struct KafkaSettings: Codable, Sendable {
        package var bootstrapServers: String
        package var groupId: String
        package var eventsTopic: String
        package var resultsTopic: String
        package var dlqTopic: String
        /// Compacted topic of parked dossiers (`cleanup.policy=compact` in production).
        package var parkedTopic: String
        /// Compacted topic of delivery marks: per (target × dossier), the latest event delivered.
        package var deliveredTopic: String
        /// What operators did (releases, skips): one record per action.
        package var auditTopic: String
        /// The national systems' answers for the one-stop (CloudEvents, key the dossier code).
        package var inboundTopic: String
        /// Compacted topic of the registrations awaiting a civil-registry result.
        package var watchedTopic: String
        /// Compacted topic of the BCA portal's dossiers taken in.
        package var inboxTopic: String
        /// How the gateway takes its partitions of the events topic: `group` joins the consumer
        /// group, which shares the partitions among the instances running and hands a dead one's
        /// on; `sole` reads every partition as the group's only reader, with no rebalance at start
        /// or after a crash, for a deployment that runs exactly one instance.
        package var membership: String
        /// At least 3000: the group notices a dead instance after this long.
        package var sessionTimeoutMilliseconds: Int
        /// Allows properties that turn off the verification of the brokers' certificates.
        package var allowInsecure: Bool
        /// The largest record the gateway writes; a dead letter that would be larger carries a
        /// reference to its original (topic, partition, offset) instead of a copy.
        package var maxRecordBytes: Int
        /// Any other librdkafka property (TLS, SASL, tuning), passed through unchanged; a secret
        /// (`sasl.password`, `ssl.key.password`, …) may come from `{"env"}` or `{"file"}`.
        package var properties: [String: KafkaPropertyValue]

        /// The properties as librdkafka takes them, secrets read from where they live.
        package func resolvedProperties(environment: [String: String]) throws -> [String: String] {
            try properties.mapValues { try $0.resolve(environment: environment) }
        }
    }

    /// A librdkafka property's value: text, or a secret's source.
    package typealias KafkaPropertyValue = TextOrSecret

    package struct DeliverySettings: Codable, Sendable {
        /// Events of one partition read but not yet finished before that partition is paused.
        package var maxBacklogPerPartition: Int
        /// Bytes of event values read but not yet finished, over all partitions, before the
        /// partitions holding unfinished work are paused.
        package var maxBacklogBytes: Int
        package var commitIntervalMilliseconds: Int
        /// How long shutdown waits for calls in flight.
        package var shutdownDeadlineMilliseconds: Int
        /// The largest event accepted; a larger one is dead-lettered as invalid (by reference).
        package var maxEventBytes: Int
        /// How long an adapter's memory of a dossier is kept after the dossier's life at its
        /// target ended (BCA: status 5 or 6 accepted), before it is forgotten.
        package var finishedMemoryRetentionHours: Int
    }

    /// One national system's settings: how hard to push it and how to reach it.
    package struct TargetConfiguration: Codable, Sendable {
        package var enabled: Bool
        /// Allows `http://` to a host other than loopback (a test network); refused otherwise.
        package var allowInsecure: Bool
        package var maxInFlight: Int
        /// Calls per second; 0 for no limit.
        package var ratePerSecond: Double
        package var rateBurst: Int
        package var retry: RetryPolicy
        package var breaker: BreakerPolicy
        /// TLS towards the system: its CA, the gateway's client certificate, the minimum version.
        package var tls: TLSSettings
        /// The adapter's own settings (URLs, paths, credentials); see its `…Configuration`.
        package var connection: JSONValue

        var settings: TargetSettings {
            TargetSettings(retry: retry, maxInFlight: maxInFlight, breaker: breaker, ratePerSecond: ratePerSecond, rateBurst: rateBurst)
        }
    }

    static var defaults: [String: Any] { [
        "kafka": [
            "bootstrapServers": "127.0.0.1:9092",
            "groupId": "national-gateway",
            "eventsTopic": "dossier.events",
            "resultsTopic": "gateway.results",
            "dlqTopic": "gateway.dlq",
            "parkedTopic": "gateway.parked",
            "deliveredTopic": "gateway.delivered",
            "auditTopic": "gateway.audit",
            "inboundTopic": "nationalsystems.inbound",
            "watchedTopic": "gateway.watched",
            "inboxTopic": "gateway.inbox",
            "membership": "group",
            "sessionTimeoutMilliseconds": 6000,
            "maxRecordBytes": 1_000_000,
            "allowInsecure": false,
            "properties": [String: String](),
        ],
        "contractsDirectory": "Contracts",
        "delivery": [
            "maxBacklogPerPartition": 2000,
            "maxBacklogBytes": 8 << 20,
            "commitIntervalMilliseconds": 200,
            "shutdownDeadlineMilliseconds": 10000,
            "maxEventBytes": DossierEventDecoder.defaultMaxEventBytes,
            "finishedMemoryRetentionHours": 720,
        ],
        "targets": Dictionary(uniqueKeysWithValues: AdapterRegistry.systems.map { system in
            (system.target.rawValue, targetDefaults(connection: system.defaultConnection))
        }),
        "logLevel": "info",
        "logFormat": "text",
        "inbound": inboundDefaults,
        "admin": [
            "listen": "127.0.0.1:9464",
            "token": NSNull(),
            "criticalTargets": [String](),
        ],
    ] }

    /// A target's defaults, read from the Swift types that own them (`TargetSettings`,
    /// `RetryPolicy`, `BreakerPolicy`, `TLSSettings`) and the system's default connection.
    static func targetDefaults(connection: JSONValue) -> [String: Any] {
        let settings = TargetSettings()
        // Optional settings are listed as null, so that a file may name them.
        let optionalTLS: [String: Any] = ["caFile": NSNull(), "certificateFile": NSNull(), "keyFile": NSNull()]
        return [
            "enabled": true,
            "allowInsecure": false,
            "maxInFlight": settings.maxInFlight,
            "ratePerSecond": settings.ratePerSecond,
            "rateBurst": settings.rateBurst,
            "breaker": tree(of: settings.breaker),
            "tls": optionalTLS.merging(tree(of: TLSSettings())) { $1 },
            "retry": tree(of: settings.retry),
            "connection": tree(of: connection),
        ]
    }

    /// `value` as the JSON object tree the overrides are laid over.
    private static func tree(of value: some Encodable) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(value))) as? [String: Any] ?? [:]
    }

    /// Reads `path` (or only the defaults when nil) and applies environment overrides.
    package static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayConfiguration {
        var tree = defaults
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("configuration file \(path) cannot be read")
            }
            guard let file = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigurationError("configuration file \(path) is not a JSON object")
            }
            tree = merge(tree, file)
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("GATEWAY__") {
            let keys = name.dropFirst("GATEWAY__".count).components(separatedBy: "__").filter { !$0.isEmpty }
            guard !keys.isEmpty else { continue }
            // librdkafka properties are text, whatever they look like.
            let verbatim = keys.count == 3 && keys[0] == "kafka" && keys[1] == "properties"
            tree = try override(tree, keys[...], with: value, name: name, verbatim: verbatim)
        }
        if let unknown = unknownKeys(in: tree, known: defaults).first {
            throw ConfigurationError("configuration: unknown key \(unknown)")
        }
        if tree["routes"] == nil {
            tree["routes"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(AdapterRegistry.defaultRoutes))
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: tree)
            let configuration = try JSONDecoder().decode(GatewayConfiguration.self, from: data)
            try configuration.check()
            return configuration
        } catch let error as DecodingError {
            throw ConfigurationError("configuration: \(describe(error))")
        }
    }

    func check() throws {
        guard kafka.sessionTimeoutMilliseconds >= 3000 else {
            throw ConfigurationError("kafka.sessionTimeoutMilliseconds must be at least 3000")
        }
        guard Self.memberships.contains(kafka.membership) else {
            throw ConfigurationError("kafka.membership must be one of \(Self.memberships.joined(separator: ", ")); got \(kafka.membership)")
        }
        guard Self.logLevels.contains(logLevel) else {
            throw ConfigurationError("logLevel must be one of \(Self.logLevels.joined(separator: ", ")); got an unknown level")
        }
        guard LogSetup.formats.contains(logFormat) else {
            throw ConfigurationError("logFormat must be one of \(LogSetup.formats.joined(separator: ", "))")
        }
        guard kafka.maxRecordBytes >= 65_536 else { throw ConfigurationError("kafka.maxRecordBytes must be at least 65536") }
        for name in Self.deliverySafetyProperties where kafka.properties[name] != nil {
            throw ConfigurationError("kafka.properties.\(name) cannot be set: the gateway's delivery guarantees depend on it")
        }
        if !kafka.allowInsecure {
            for (name, insecure) in [("enable.ssl.certificate.verification", "false"), ("ssl.endpoint.identification.algorithm", "none")]
            where kafka.properties[name] == .text(insecure) {
                throw ConfigurationError("kafka.properties.\(name)=\(insecure) turns off the verification of the brokers' certificates; set kafka.allowInsecure to mean it")
            }
        }
        if let listen = admin.listen, listen != "off" {
            guard let address = admin.address, (0...65_535).contains(address.port), !address.host.isEmpty else {
                throw ConfigurationError("admin.listen must be HOST:PORT (e.g. 127.0.0.1:9464), or off; got \(listen)")
            }
            guard admin.isLoopback || admin.token != nil else {
                throw ConfigurationError("admin.listen \(listen) is not loopback: set admin.token ({\"env\": …} or {\"file\": …}) so that only holders of it read the status and metrics")
            }
        }
        for name in admin.criticalTargets where targets[name] == nil {
            throw ConfigurationError("admin.criticalTargets: no target \(name); known: \(AdapterRegistry.names)")
        }
        try inbound.check()
        guard delivery.maxBacklogPerPartition > 0 else { throw ConfigurationError("delivery.maxBacklogPerPartition must be positive") }
        guard delivery.maxBacklogBytes >= 1 << 20 else { throw ConfigurationError("delivery.maxBacklogBytes must be at least 1048576") }
        guard delivery.finishedMemoryRetentionHours >= 0 else { throw ConfigurationError("delivery.finishedMemoryRetentionHours must not be negative") }
        for (name, target) in targets.sorted(by: { $0.key < $1.key }) {
            guard AdapterRegistry.system(named: name) != nil else {
                throw ConfigurationError("targets.\(name): no such national system; known: \(AdapterRegistry.names)")
            }
            guard target.breaker.failureRatio > 0, target.breaker.failureRatio <= 1, target.breaker.consecutiveFailures >= 1 else {
                throw ConfigurationError("targets.\(name).breaker: failureRatio must be in (0, 1] and consecutiveFailures at least 1")
            }
            guard target.retry.maxAttempts >= 1 else { throw ConfigurationError("targets.\(name).retry.maxAttempts must be at least 1") }
            guard target.maxInFlight >= 1 else { throw ConfigurationError("targets.\(name).maxInFlight must be at least 1") }
            if target.enabled, !target.allowInsecure, case .object(let connection) = target.connection {
                for (key, value) in connection.sorted(by: { $0.key < $1.key }) {
                    guard case .string(let url) = value, Self.isInsecure(url) else { continue }
                    throw ConfigurationError("targets.\(name).connection.\(key): http:// to a host other than loopback sends credentials and personal data in clear; use https:// or set targets.\(name).allowInsecure")
                }
            }
        }
    }

    static let memberships = ["group", "sole"]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Whether `url` is plain HTTP to a host that is not loopback.
    static func isInsecure(_ url: String) -> Bool {
        guard url.lowercased().hasPrefix("http://") else { return false }
        let authority = url.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = authority.split(separator: "@").last.map(String.init) ?? ""
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return !(host == "localhost" || host == "::1" || host.hasPrefix("127."))
    }

    /// Keys of `tree` that `known` does not name, as dotted paths. Below `kafka.properties`
    /// (any librdkafka property), a target's `connection` (checked by its adapter) and
    /// `routes`, every key is accepted here.
    static func unknownKeys(in tree: [String: Any], known: [String: Any], path: String = "") -> [String] {
        var unknown: [String] = []
        for (key, value) in tree.sorted(by: { $0.key < $1.key }) {
            let here = path.isEmpty ? key : "\(path).\(key)"
            if path.isEmpty, key == "routes" { continue }
            if here == "kafka.properties" { continue }
            if path.hasPrefix("targets."), key == "connection" { continue }
            // A system that is not registered gets its own error, naming the ones that are.
            if path == "targets", known[key] == nil { continue }
            guard let expected = known[key] else {
                unknown.append(here)
                continue
            }
            if let nested = value as? [String: Any], let expectedNested = expected as? [String: Any] {
                unknown += unknownKeys(in: nested, known: expectedNested, path: here)
            }
        }
        return unknown
    }

    /// The configuration as JSON, with anything that looks like a secret masked: what
    /// `gateway config check` prints.
    package func effectiveJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return Redaction.mask(String(decoding: data, as: UTF8.self))
    }

    /// librdkafka properties the gateway sets itself because no loss and no reordering depend on them.
    static let deliverySafetyProperties = [
        "enable.auto.commit", "enable.auto.offset.store", "enable.idempotence", "acks", "request.required.acks",
        "isolation.level", "group.id", "enable.partition.eof", "max.in.flight.requests.per.connection", "message.max.bytes",
    ]

    static func merge(_ base: [String: Any], _ top: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in top {
            if let nested = value as? [String: Any], let existing = result[key] as? [String: Any] {
                result[key] = merge(existing, nested)
            } else {
                result[key] = value
            }
        }
        return result
    }

    static func override(_ tree: [String: Any], _ keys: ArraySlice<String>, with text: String, name: String, verbatim: Bool = false) throws -> [String: Any] {
        var tree = tree
        let key = keys.first!
        if keys.count == 1 {
            tree[key] = verbatim ? text : try coerce(text, like: tree[key], name: name)
        } else {
            tree[key] = try override(tree[key] as? [String: Any] ?? [:], keys.dropFirst(), with: text, name: name, verbatim: verbatim)
        }
        return tree
    }

    static func coerce(_ text: String, like existing: Any?, name: String) throws -> Any {
        switch existing {
        case is Bool:
            guard let flag = Bool(text) else { throw ConfigurationError("\(name) must be true or false") }
            return flag
        case is Int, is Double, is NSNumber:
            if let number = Int(text) { return number }
            guard let number = Double(text) else { throw ConfigurationError("\(name) must be a number") }
            return number
        case is [Any], is [String: Any]:
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                throw ConfigurationError("\(name) must be JSON")
            }
            return value
        case is String:
            return text
        default:
            // A key the defaults do not name (an optional connection setting): text, or JSON
            // when it is an object or an array. Numbers and flags all have defaults.
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("["), let value = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) {
                return value
            }
            return text
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context)).\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

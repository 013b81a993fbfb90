import Foundation
import GatewayCore
import GatewayModel
import GatewayRuntime
import Kafka
import Logging
import MockSupport

/// Everything `gateway-dev dev` and the integration tests run in one process: the embedded
/// Kafka broker with the gateway's topics, the mock national systems on loopback, and
/// helpers to produce events and read what the gateway wrote back.
package final class DevStack: Sendable {
    package static let topics = (
        events: "dossier.events", results: "gateway.results", dlq: "gateway.dlq", parked: "gateway.parked", delivered: "gateway.delivered", audit: "gateway.audit",
        inbound: "nationalsystems.inbound", watched: "gateway.watched", inbox: "gateway.inbox"
    )
    /// Every topic the gateway and its operator commands use.
    package static let allTopics = [topics.events, topics.results, topics.dlq, topics.parked, topics.delivered, topics.audit, topics.inbound, topics.watched, topics.inbox]

    /// The civil registry and the BCA portal are asked often here: their mocks answer within seconds, not days.
    package static let registryPollMilliseconds = 300

    package let cluster: KafkaMockCluster
    package let partitions: Int
    package let mocks: MockSystems
    package let contractsDirectory: String
    private let producer: KafkaProducer
    private let logger: Logger

    package static func start(partitions: Int = 6, contractsDirectory: String, logger: Logger) async throws -> DevStack {
        let cluster = try KafkaMockCluster()
        for topic in allTopics { try cluster.createTopic(topic, partitions: partitions) }
        let mocks = try await MockSystems.start(logger: logger)
        return try DevStack(cluster: cluster, partitions: partitions, mocks: mocks, contractsDirectory: contractsDirectory, logger: logger)
    }

    private init(cluster: KafkaMockCluster, partitions: Int, mocks: MockSystems, contractsDirectory: String, logger: Logger) throws {
        self.cluster = cluster
        self.partitions = partitions
        self.mocks = mocks
        self.contractsDirectory = contractsDirectory
        self.logger = logger
        // The one-stop side may publish records larger than the gateway writes (attachments inline).
        var traffic = KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "dev-traffic"))
        traffic.maxMessageBytes = 10_000_000
        self.producer = try KafkaProducer(configuration: traffic)
    }

    /// A gateway configuration pointing at this stack.
    package func gatewayConfiguration(groupId: String = "national-gateway", overrides: [String: String] = [:]) throws -> GatewayConfiguration {
        var environment = [
            "GATEWAY__kafka__bootstrapServers": cluster.bootstrapServers,
            "GATEWAY__kafka__groupId": groupId,
            "GATEWAY__contractsDirectory": contractsDirectory,
            "GATEWAY__inbound__registryPollIntervalMilliseconds": String(Self.registryPollMilliseconds),
            "GATEWAY__inbound__portalPollIntervalMilliseconds": String(Self.registryPollMilliseconds),
            "GATEWAY__inbound__vbdlisCallbacks__listen": "127.0.0.1:0",
            "GATEWAY__inbound__vbdlisCallbacks__securityCode": #"{"env": "VBDLIS_CALLBACK_CODE"}"#,
        ]
        environment.merge(mocks.configurationOverrides) { $1 }
        environment.merge(overrides) { $1 }
        return try GatewayConfiguration.load(path: nil, environment: environment)
    }

    /// The environment a gateway of this stack reads its secrets from.
    package var secrets: [String: String] { MockSystems.secrets }

    /// What the operator's commands (`gateway dlq`, `parked`, `replay`) need to work on this stack.
    package var operatorEnvironment: [String: String] {
        var environment = ["GATEWAY__kafka__bootstrapServers": cluster.bootstrapServers, "GATEWAY__contractsDirectory": contractsDirectory]
        environment.merge(mocks.configurationOverrides) { $1 }
        environment.merge(secrets) { $1 }
        return environment
    }

    /// Publishes `events`, each dossier's in order.
    package func produce(_ events: [DossierEvent]) async throws {
        try await producer.sendInDossierOrder(events, topic: Self.topics.events)
    }

    /// Sends any bytes as an event record, valid or not.
    package func produceRaw(key: String?, value: [UInt8], headers: [KafkaHeader] = []) async throws {
        _ = try await producer.send(KafkaProducerMessage(topic: Self.topics.events, key: key, value: value, headers: headers))
    }

    /// Reads `topic` from the beginning until `count` records arrived or `timeout` passed.
    package func read(_ topic: String, count: Int, timeout: Duration = .seconds(60)) async throws -> [KafkaConsumerMessage] {
        let partitions = (0..<partitions).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: cluster.bootstrapServers, clientID: "dev-reader"), subscription: .partitions(partitions)),
            logger: logger
        )
        let collector = Task {
            var messages: [KafkaConsumerMessage] = []
            for await event in consumer.events {
                if case .message(let message) = event { messages.append(message) }
                if messages.count >= count { break }
            }
            return messages
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            collector.cancel()
        }
        let messages = await collector.value
        timer.cancel()
        await consumer.close()
        return messages
    }

    /// Posts `body` to `/_control/<route>` of `target`'s mock and returns the answer as JSON.
    @discardableResult
    package func control(_ target: TargetName, _ route: String, method: String = "POST", body: [String: Any]? = nil) async throws -> [String: Any] {
        guard let url = mocks.urls[target] else { throw ProcessStackError("no mock for \(target)") }
        return try await MockControlClient.json(url, route, method: method, body: body)
    }

    /// Tells the VBDLIS mock to call back the gateway's listener on `port`.
    package func sendCallbacks(toPort port: Int) async throws {
        try await control("vbdlis", "callbacks", body: ["url": "http://127.0.0.1:\(port)/api/vbdlis", "securityCode": MockSystems.secrets["VBDLIS_CALLBACK_CODE"] ?? ""])
    }

    package func shutdown() async {
        mocks.shutdown()
        await producer.shutdown()
    }
}

/// Writes `environment` as shell exports, one a line, for `source`.
package func writeShellExports(_ environment: [String: String], to path: String) throws {
    let exports = environment.sorted { $0.key < $1.key }.map { "export \($0.key)='\($0.value)'" }
    try Data((exports.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
}

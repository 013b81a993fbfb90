import AdapterSupport
import BCAAdapter
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel
import HoTichAdapter
import Kafka
import NIOSSL
import ServiceLifecycle

/// The inbound direction as configured: the services that run it, what follows the assigned
/// partitions, and what follows a delivery.
struct InboundParts {
    var services: [any Service] = []
    var followers: [any PartitionFollower] = []
    var followUp: (any DeliveryFollowUp)?
    var registryWatch: KafkaRegistryWatch?
    var portalInbox: KafkaPortalInbox?
}

extension Gateway {
    /// The civil registry's result poll with its watch (`inbound.registryResults`, the `hotich`
    /// target with a `resultPath`) and the BCA portal's inbox (`inbound.portalDossiers`, the `bca`
    /// target with a `listPath`).
    func makeInbound(
        adapters: [any TargetAdapter], transport: AsyncHTTPTransport, producer: KafkaProducer, common: KafkaConfiguration, fatal: FatalCondition
    ) async throws -> InboundParts {
        var parts = InboundParts()
        let kafka = configuration.kafka, inbound = configuration.inbound
        let retention = Duration.seconds(inbound.finishedRetentionHours * 3600)
        let enabled = Set(adapters.map(\.target))
        let hotich = configuration.targets[HoTichSystem.target.rawValue], bca = configuration.targets[BCASystem.target.rawValue]
        let poller = try hotich.flatMap { settings in
            try inbound.registryResults && enabled.contains(HoTichSystem.target)
                ? HoTichSystem.makeResultPoller(connection: settings.connection, context: try inboundContext(HoTichSystem.target, settings, transport)) : nil
        }
        let portal = try bca.flatMap { settings in
            try inbound.portalDossiers && enabled.contains(BCASystem.target)
                ? BCASystem.makeInbox(connection: settings.connection, context: try inboundContext(BCASystem.target, settings, transport)) : nil
        }
        let callbacks = inbound.vbdlisCallbacks
        let listening = callbacks.address.flatMap { address in callbacks.securityCode.map { (address, $0) } }
        var flows: [String] = []
        if poller != nil { flows.append("inbound.registryResults") }
        if portal != nil { flows.append("inbound.portalDossiers") }
        if listening != nil { flows.append("inbound.vbdlisCallbacks.listen") }
        guard !flows.isEmpty else { return parts }

        /// A topic the enabled flows need, or a start refused with what to do about it.
        func partitions(of topic: String, key: String, flows: [String]) async throws -> Int {
            do {
                return try await producer.partitionCount(of: topic)
            } catch {
                throw ConfigurationError("kafka.\(key) \(topic) cannot be read (\(error)): create it, or turn \(flows.joined(separator: " and ")) off")
            }
        }
        let topic = InboundTopic(
            name: kafka.inboundTopic, partitions: try await partitions(of: kafka.inboundTopic, key: "inboundTopic", flows: flows),
            maxRecordBytes: kafka.maxRecordBytes - 4_096, producer: producer, configuration: common, fatal: fatal, metrics: statistics.metrics, logger: logger
        )

        if let poller {
            let watch = KafkaRegistryWatch(
                producer: producer, configuration: common, watchTopic: kafka.watchedTopic,
                watchPartitions: try await partitions(of: kafka.watchedTopic, key: "watchedTopic", flows: ["inbound.registryResults"]), inbound: topic,
                finishedRetention: retention, modules: Set(inbound.registryModules), fatal: fatal, metrics: statistics.metrics, logger: logger
            )
            parts.services.append(RegistryResultPolling(
                watch: watch, poller: poller, interval: .milliseconds(inbound.registryPollIntervalMilliseconds), metrics: statistics.metrics, logger: logger
            ))
            parts.followers.append(watch)
            parts.followUp = watch
            parts.registryWatch = watch
        }
        if let portal {
            _ = try await partitions(of: kafka.inboxTopic, key: "inboxTopic", flows: ["inbound.portalDossiers"])
            let inbox = KafkaPortalInbox(
                producer: producer, configuration: common, inboxTopic: kafka.inboxTopic, inbound: topic, eventsTopic: kafka.eventsTopic,
                retention: retention, fatal: fatal, metrics: statistics.metrics, logger: logger
            )
            parts.services.append(PortalInboxPolling(
                inbox: inbox, portal: portal, interval: .milliseconds(inbound.portalPollIntervalMilliseconds), metrics: statistics.metrics, logger: logger
            ))
            parts.followers.append(inbox)
            parts.portalInbox = inbox
        }
        if let (address, code) = listening {
            parts.services.append(VBDLISCallbackListener(
                host: address.host, port: address.port, pathPrefix: callbacks.pathPrefix, securityCode: try code.resolve(environment: environment),
                tls: try callbackTLS(callbacks), maxBodyBytes: callbacks.maxBodyBytes,
                limiter: SourceRateLimiter(rate: callbacks.ratePerSecond, burst: callbacks.rateBurst),
                publisher: CallbackPublisher(inbound: topic, idPrefix: "vbdlis:"), metrics: statistics.metrics, logger: logger,
                onListening: { [self] port in callbackPort.withLock { $0 = port } }
            ))
        }
        return parts
    }

    /// The callback listener's server certificate and key, when it serves HTTPS.
    private func callbackTLS(_ settings: GatewayConfiguration.CallbackSettings) throws -> TLSConfiguration? {
        guard let certificateFile = settings.certificateFile, let keyFile = settings.keyFile else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(bytes: Array(try keyFile.resolve(environment: environment).value.utf8), format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch let error as ConfigurationError {
            throw ConfigurationError("inbound.vbdlisCallbacks.keyFile: \(error)")
        } catch {
            throw ConfigurationError("inbound.vbdlisCallbacks: the certificate or key cannot be read: \(error)")
        }
    }

    /// What an inbound client of `target` is built with: its TLS, the measured transport, its environment.
    private func inboundContext(_ target: TargetName, _ settings: GatewayConfiguration.TargetConfiguration, _ transport: AsyncHTTPTransport) throws -> AdapterContext {
        let tls: TLSConfiguration
        do {
            tls = try settings.tls.makeConfiguration(environment: environment)
        } catch {
            throw ConfigurationError("targets.\(target).\(error)")
        }
        return AdapterContext(
            transport: MeasuredTransport(target: target, inner: transport.using(tls), activity: monitor.activity(of: target), metrics: statistics.metrics),
            classification: ClassificationTable(system: target.rawValue, version: "inbound", rules: [], otherwise: .retryable), environment: environment, logger: logger
        )
    }
}

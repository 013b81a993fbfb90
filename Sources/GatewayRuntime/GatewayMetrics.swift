import CoreMetrics
import GatewayCore
import GatewayModel
import Synchronization

/// The gateway's metrics, named by Prometheus conventions and made through swift-metrics, by
/// the factory given (the admin listener's Prometheus registry; none records nothing).
package final class GatewayMetrics: Sendable {
    private let factory: any MetricsFactory
    let eventsConsumed: Counter
    let eventsInvalid: Counter
    let producerErrors: Counter
    let pausedPartitions: Gauge
    private let made = Mutex<[String: any Sendable]>([:])
    /// The counter of each (target × operation × outcome), found without building a key text per outcome.
    private let deliveries = Mutex<[DeliveryKey: Counter]>([:])

    private struct DeliveryKey: Hashable {
        let target: TargetName
        let operation: String
        let status: DeliveryOutcome.Status
    }

    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        eventsConsumed = Counter(label: "gateway_events_consumed_total", factory: factory)
        eventsInvalid = Counter(label: "gateway_events_invalid_total", factory: factory)
        producerErrors = Counter(label: "gateway_producer_errors_total", factory: factory)
        pausedPartitions = Gauge(label: "gateway_partitions_paused", factory: factory)
        Gauge(label: "gateway_build_info", dimensions: [("version", GatewayVersion.current)], factory: factory).record(1)
    }

    /// A finished delivery, by target, its last operation and outcome.
    func delivered(_ outcome: DeliveryOutcome) {
        let delivery = outcome.delivery
        let operation = outcome.operations.last?.operation ?? delivery.operations.first ?? "-"
        deliveryCounter(DeliveryKey(target: delivery.target, operation: operation, status: outcome.status)).increment()
        for report in outcome.operations where report.attempts > 1 {
            counter("gateway_delivery_retries_total", [("target", delivery.target.rawValue), ("operation", report.operation)]).increment(by: Int64(report.attempts - 1))
        }
    }

    /// The metrics of one target's calls, made once for its transport: nothing is looked up per call.
    struct TargetCalls: Sendable {
        let duration: Timer
        let failures: Counter
        let inFlight: Gauge
    }

    func calls(of target: TargetName) -> TargetCalls {
        TargetCalls(
            duration: timer("gateway_http_call_duration_seconds", [("target", target.rawValue)]),
            failures: counter("gateway_http_call_failures_total", [("target", target.rawValue)]),
            inFlight: gauge("gateway_http_calls_in_flight", [("target", target.rawValue)])
        )
    }

    // MARK: Inbound

    /// Registrations put under watch for their civil-registry result.
    var registryWatched: Counter { counter("gateway_registry_watched_total", []) }

    /// Registrations watched and not yet final, on this instance.
    func registryPending(_ count: Int) { gauge("gateway_registry_pending", []).record(count) }

    /// One result-poll call, `ok` or `failed`.
    func registryPoll(_ outcome: String) { counter("gateway_registry_polls_total", [("outcome", outcome)]).increment() }

    /// Seconds since the last poll round that reached the registry for every pending registration:
    /// how stale the inbound topic may be.
    func registryPollAge(seconds: Double) { gauge("gateway_registry_poll_age_seconds", []).record(seconds) }

    /// One read of the BCA portal's list, `ok` or `failed`.
    func portalPoll(_ outcome: String) { counter("gateway_portal_polls_total", [("outcome", outcome)]).increment() }

    /// Something a national system sent that the inbound topic cannot take as it is.
    func inboundRefused(source: String) { counter("gateway_inbound_refused_total", [("source", source)]).increment() }

    /// A call VBDLIS made to the callback listener, by outcome: `published`, `repeat`,
    /// `unauthorised`, `invalid`, `too-large`, `rate-limited`, `unavailable`.
    func callback(call: String, outcome: String) {
        counter("gateway_callbacks_total", [("call", call), ("outcome", outcome)]).increment()
    }

    /// An answer published on the inbound topic.
    func inboundPublished(source: String, state: String) {
        counter("gateway_inbound_published_total", [("source", source), ("state", state)]).increment()
    }

    func reauthentication(target: TargetName) {
        counter("gateway_reauthentications_total", [("target", target.rawValue)]).increment()
    }

    /// The breaker of `target`: 0 closed, 1 probing, 2 open.
    func breaker(target: TargetName, _ state: CircuitBreaker.State) {
        let value = switch state {
        case .closed: 0
        case .probing: 1
        case .open: 2
        }
        gauge("gateway_target_breaker_state", [("target", target.rawValue)]).record(value)
    }

    func queued(target: TargetName, _ deliveries: Int) {
        gauge("gateway_deliveries_queued", [("target", target.rawValue)]).record(deliveries)
    }

    func parked(target: TargetName, _ dossiers: Int) {
        gauge("gateway_parked_dossiers", [("target", target.rawValue)]).record(dossiers)
    }

    func lag(partition: PartitionID, _ records: Int64) {
        gauge("gateway_consumer_lag_records", [("topic", partition.topic), ("partition", String(partition.partition))]).record(records)
    }

    private func deliveryCounter(_ key: DeliveryKey) -> Counter {
        deliveries.withLock { all in
            if let existing = all[key] { return existing }
            let made = Counter(
                label: "gateway_deliveries_total",
                dimensions: [("target", key.target.rawValue), ("operation", key.operation), ("outcome", key.status.rawValue)], factory: factory
            )
            all[key] = made
            return made
        }
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        metric(label, dimensions) { Counter(label: $0, dimensions: $1, factory: $2) }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        metric(label, dimensions) { Gauge(label: $0, dimensions: $1, factory: $2) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer {
        metric(label, dimensions) { Timer(label: $0, dimensions: $1, factory: $2) }
    }

    /// The metric of `label` and `dimensions`, made once and kept.
    private func metric<Metric: Sendable>(
        _ label: String, _ dimensions: [(String, String)], make: (String, [(String, String)], any MetricsFactory) -> Metric
    ) -> Metric {
        let key = Self.key(label, dimensions)
        return made.withLock { all in
            if let existing = all[key] as? Metric { return existing }
            let metric = make(label, dimensions, factory)
            all[key] = metric
            return metric
        }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "|")
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

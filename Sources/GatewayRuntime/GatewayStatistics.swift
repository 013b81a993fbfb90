import Foundation
import GatewayCore
import GatewayModel
import Synchronization

/// Counters an operator (or `gateway-dev dev`) reads to see what the gateway did.
package final class GatewayStatistics: Sendable {
    package struct Snapshot: Sendable, Equatable {
        package var eventsConsumed = 0
        package var invalidEvents = 0
        /// (event × target) deliveries handed to the engine.
        package var deliveriesRouted = 0
        /// Targets whose circuit breaker holds their deliveries.
        package var pausedTargets: Set<TargetName> = []
        package var outcomes: [TargetName: [DeliveryOutcome.Status: Int]] = [:]

        package func count(_ status: DeliveryOutcome.Status) -> Int {
            outcomes.values.reduce(0) { $0 + ($1[status] ?? 0) }
        }

        package var totalOutcomes: Int { outcomes.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
    }

    private let state = Mutex(Snapshot())
    private let recent = Mutex<[GatewayStatus.RecentDeadLetter]>([])
    private static let recentLimit = 20
    /// Where every count goes too, for `/metrics`.
    package let metrics: GatewayMetrics

    package init(metrics: GatewayMetrics = GatewayMetrics()) {
        self.metrics = metrics
    }

    package var snapshot: Snapshot { state.withLock { $0 } }

    /// The latest dead letters, newest last, without personal data.
    package var recentDeadLetters: [GatewayStatus.RecentDeadLetter] { recent.withLock { $0 } }

    func consumed() {
        state.withLock { $0.eventsConsumed += 1 }
        metrics.eventsConsumed.increment()
    }

    func pausedTargets(_ targets: [TargetName]) { state.withLock { $0.pausedTargets = Set(targets) } }
    func routed(_ count: Int) { state.withLock { $0.deliveriesRouted += count } }

    func recordInvalid() {
        state.withLock { $0.invalidEvents += 1 }
        metrics.eventsInvalid.increment()
    }

    func producerError() { metrics.producerErrors.increment() }

    func record(_ outcome: DeliveryOutcome) {
        state.withLock { $0.outcomes[outcome.delivery.target, default: [:]][outcome.status, default: 0] += 1 }
        metrics.delivered(outcome)
        guard outcome.status == .deadLettered else { return }
        let delivery = outcome.delivery
        let entry = GatewayStatus.RecentDeadLetter(
            at: VietnamTime.rfc3339(Date()), dossierCode: delivery.event.dossierCode, target: delivery.target.rawValue,
            operation: outcome.operations.last?.operation, errorClass: outcome.failure?.errorClass?.rawValue, reason: outcome.reason?.rawValue
        )
        recent.withLock { recent in
            recent.append(entry)
            if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
        }
    }
}

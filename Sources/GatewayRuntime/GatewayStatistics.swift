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

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

    func consumed() { state.withLock { $0.eventsConsumed += 1 } }
    func pausedTargets(_ targets: [TargetName]) { state.withLock { $0.pausedTargets = Set(targets) } }
    func routed(_ count: Int) { state.withLock { $0.deliveriesRouted += count } }
    func recordInvalid() { state.withLock { $0.invalidEvents += 1 } }

    func record(_ outcome: DeliveryOutcome) {
        state.withLock { $0.outcomes[outcome.delivery.target, default: [:]][outcome.status, default: 0] += 1 }
    }
}

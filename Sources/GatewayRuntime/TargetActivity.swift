import Foundation
import GatewayCore
import GatewayModel
import Synchronization
import W3CTraceContext

/// What the calls to one national system have been doing: in flight, how many a second, and
/// the last failure. Fed by `MeasuredTransport`, read by the status and the metrics.
package final class TargetActivity: Sendable {
    package struct Snapshot: Sendable, Equatable, Codable {
        package var inFlight: Int
        /// Calls answered over the last 10 seconds, per second.
        package var callsPerSecond: Double
        /// `http-<status>` or the transport's failure (`timeout`, `connection-refused`, …).
        package var lastErrorClass: String?
        package var lastErrorAt: Date?
    }

    private struct State {
        var inFlight = 0
        var answered: [ContinuousClock.Instant] = []
        var lastErrorClass: String?
        var lastErrorAt: Date?
    }

    private static let window = Duration.seconds(10)
    private let state = Mutex(State())

    package init() {}

    func started() -> Int {
        state.withLock { $0.inFlight += 1; return $0.inFlight }
    }

    func ended(failure: String?) -> Int {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.inFlight -= 1
            state.answered.append(now)
            if state.answered.count > 4_096 || (state.answered.first.map { now - $0 > Self.window } ?? false) {
                state.answered.removeAll { now - $0 > Self.window }
            }
            if let failure {
                state.lastErrorClass = failure
                state.lastErrorAt = Date()
            }
            return state.inFlight
        }
    }

    package var snapshot: Snapshot {
        let now = ContinuousClock.now
        return state.withLock { state in
            let recent = state.answered.filter { now - $0 <= Self.window }.count
            return Snapshot(
                inFlight: state.inFlight, callsPerSecond: Double(recent) / 10, lastErrorClass: state.lastErrorClass, lastErrorAt: state.lastErrorAt
            )
        }
    }
}

/// Wraps a target's transport to time each call, keep its `TargetActivity`, and send each call
/// as a new span of the delivery's trace (`traceparent`, and `tracestate` when there is one).
struct MeasuredTransport: HTTPTransport {
    let target: TargetName
    let inner: any HTTPTransport
    let activity: TargetActivity
    let metrics: GatewayMetrics

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        var request = request
        if let delivery = DeliveryTrace.current {
            let call = DeliveryTrace.child(of: delivery)
            request.headers.removeAll { ["traceparent", "tracestate"].contains($0.name.lowercased()) }
            request.headers.append((name: "traceparent", value: call.traceParentHeaderValue))
            if let state = call.traceStateHeaderValue { request.headers.append((name: "tracestate", value: state)) }
        }
        metrics.inFlight(target: target, activity.started())
        let started = ContinuousClock.now
        do {
            let response = try await inner.send(request)
            let failure = response.status >= 400 ? "http-\(response.status)" : nil
            finish(started, failure: failure)
            return response
        } catch {
            finish(started, failure: error.kind.rawValue)
            throw error
        }
    }

    private func finish(_ started: ContinuousClock.Instant, failure: String?) {
        metrics.call(target: target, took: started.duration(to: .now), failed: failure != nil)
        metrics.inFlight(target: target, activity.ended(failure: failure))
    }
}

/// Wraps a target's adapter to count the sessions and tokens it is told to forget: each is a
/// re-authentication on the next call.
struct MeasuredAdapter: TargetAdapter {
    let inner: any TargetAdapter
    let metrics: GatewayMetrics

    var target: TargetName { inner.target }
    var operations: Set<String> { inner.operations }

    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String) async throws(AuthenticationFailure) -> OperationAnswer {
        try await inner.perform(operation, for: event, idempotencyKey: idempotencyKey)
    }

    func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        metrics.reauthentication(target: target)
        await inner.invalidateCredentials(usedSince: callStarted)
    }
}

import Foundation
import GatewayCore
import GatewayModel
import Synchronization
import W3CTraceContext

/// What the calls to one national system have been doing: in flight, how many a second, and
/// the last failure. Fed by `MeasuredTransport`, read by the status and the metrics.
package final class TargetActivity: Sendable {
    package struct Snapshot: Sendable, Equatable {
        package var inFlight: Int
        /// Calls answered over the last 10 seconds, per second.
        package var callsPerSecond: Double
        /// `http-<status>` or the transport's failure (`timeout`, `connection-refused`, …).
        package var lastErrorClass: String?
        package var lastErrorAt: Date?
    }

    private struct State {
        var inFlight = 0
        /// Calls answered per second of the window, by second modulo its length.
        var answered = [Int](repeating: 0, count: TargetActivity.windowSeconds)
        var second = [Int64](repeating: -1, count: TargetActivity.windowSeconds)
        var lastErrorClass: String?
        var lastErrorAt: Date?
    }

    private static let windowSeconds = 10
    private let origin = ContinuousClock.now
    private let state = Mutex(State())

    package init() {}

    func started() -> Int {
        state.withLock { $0.inFlight += 1; return $0.inFlight }
    }

    func ended(failure: String?) -> Int {
        let now = secondsSinceOrigin()
        let slot = Int(now % Int64(Self.windowSeconds))
        return state.withLock { state in
            state.inFlight -= 1
            if state.second[slot] != now {
                state.second[slot] = now
                state.answered[slot] = 0
            }
            state.answered[slot] += 1
            if let failure {
                state.lastErrorClass = failure
                state.lastErrorAt = Date()
            }
            return state.inFlight
        }
    }

    package var snapshot: Snapshot {
        let now = secondsSinceOrigin()
        return state.withLock { state in
            let recent = zip(state.answered, state.second).filter { $0.1 > now - Int64(Self.windowSeconds) }.reduce(0) { $0 + $1.0 }
            return Snapshot(
                inFlight: state.inFlight, callsPerSecond: Double(recent) / Double(Self.windowSeconds),
                lastErrorClass: state.lastErrorClass, lastErrorAt: state.lastErrorAt
            )
        }
    }

    private func secondsSinceOrigin() -> Int64 { origin.duration(to: .now).components.seconds }
}

/// Wraps a target's transport to time each call, keep its `TargetActivity`, and send each call
/// as a new span of the delivery's trace (`traceparent`, and `tracestate` when there is one).
struct MeasuredTransport: HTTPTransport {
    let target: TargetName
    let inner: any HTTPTransport
    let activity: TargetActivity
    private let metrics: GatewayMetrics.TargetCalls

    init(target: TargetName, inner: any HTTPTransport, activity: TargetActivity, metrics: GatewayMetrics) {
        self.target = target
        self.inner = inner
        self.activity = activity
        self.metrics = metrics.calls(of: target)
    }

    func send(_ request: OutboundRequest) async throws(TransportError) -> InboundResponse {
        var request = request
        if let delivery = DeliveryTrace.current {
            let call = DeliveryTrace.child(of: delivery)
            request.headers.removeAll { Self.isTraceHeader($0.name) }
            request.headers.append((name: "traceparent", value: call.traceparent))
            if let state = call.traceStateHeaderValue { request.headers.append((name: "tracestate", value: state)) }
        }
        metrics.inFlight.record(activity.started())
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

    /// `traceparent` or `tracestate` in any case, compared without building lowercased copies
    /// (both names are lowercase letters only, so setting bit 5 folds the case).
    static func isTraceHeader(_ name: String) -> Bool {
        let caseless = { (byte: UInt8, lower: UInt8) in byte | 0x20 == lower }
        return name.utf8.elementsEqual("traceparent".utf8, by: caseless) || name.utf8.elementsEqual("tracestate".utf8, by: caseless)
    }

    private func finish(_ started: ContinuousClock.Instant, failure: String?) {
        metrics.duration.recordNanoseconds(started.duration(to: .now).nanoseconds)
        if failure != nil { metrics.failures.increment() }
        metrics.inFlight.record(activity.ended(failure: failure))
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

    func perform(_ operation: String, for event: DossierEvent, idempotencyKey: String, memory: any DossierMemory) async throws(AuthenticationFailure) -> OperationAnswer {
        try await inner.perform(operation, for: event, idempotencyKey: idempotencyKey, memory: memory)
    }

    func invalidateCredentials(usedSince callStarted: ContinuousClock.Instant) async {
        metrics.reauthentication(target: target)
        await inner.invalidateCredentials(usedSince: callStarted)
    }
}

import GatewayModel
import Logging
import Synchronization

/// When to treat a target's failures as systematic. Times are `Duration`s; the configuration
/// file gives them in milliseconds (`windowMilliseconds`, …), and a key left out keeps its default.
package struct BreakerPolicy: Codable, Sendable, Equatable {
    /// Calls considered: the most recent ones within `window`.
    package var window: Duration
    /// Fewest calls in the window before the failure ratio counts.
    package var minimumCalls: Int
    /// Share of failed calls in the window that opens the breaker.
    package var failureRatio: Double
    /// Failures in a row that open the breaker whatever the window says.
    package var consecutiveFailures: Int
    /// First pause before a probe; doubles after each failed probe, up to the maximum.
    package var initialPause: Duration
    package var maxPause: Duration
    /// Probes one delivery may fail before it is dead-lettered as `held-too-long`: a delivery that
    /// fails every probe while others wait their turn is more likely poison than an outage.
    package var maxFailedProbesPerDelivery: Int

    package init(
        window: Duration = .seconds(30), minimumCalls: Int = 10, failureRatio: Double = 0.6, consecutiveFailures: Int = 5,
        initialPause: Duration = .seconds(1), maxPause: Duration = .seconds(30), maxFailedProbesPerDelivery: Int = 20
    ) {
        self.window = window
        self.minimumCalls = minimumCalls
        self.failureRatio = failureRatio
        self.consecutiveFailures = consecutiveFailures
        self.initialPause = initialPause
        self.maxPause = maxPause
        self.maxFailedProbesPerDelivery = maxFailedProbesPerDelivery
    }

    private enum CodingKeys: String, CodingKey {
        case windowMilliseconds, minimumCalls, failureRatio, consecutiveFailures, initialPauseMilliseconds, maxPauseMilliseconds, maxFailedProbesPerDelivery
    }

    package init(from decoder: any Decoder) throws {
        let defaults = BreakerPolicy()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        window = try container.decodeMilliseconds(.windowMilliseconds) ?? defaults.window
        minimumCalls = try container.decodeIfPresent(Int.self, forKey: .minimumCalls) ?? defaults.minimumCalls
        failureRatio = try container.decodeIfPresent(Double.self, forKey: .failureRatio) ?? defaults.failureRatio
        consecutiveFailures = try container.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? defaults.consecutiveFailures
        initialPause = try container.decodeMilliseconds(.initialPauseMilliseconds) ?? defaults.initialPause
        maxPause = try container.decodeMilliseconds(.maxPauseMilliseconds) ?? defaults.maxPause
        maxFailedProbesPerDelivery = try container.decodeIfPresent(Int.self, forKey: .maxFailedProbesPerDelivery) ?? defaults.maxFailedProbesPerDelivery
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(window.wholeMilliseconds, forKey: .windowMilliseconds)
        try container.encode(minimumCalls, forKey: .minimumCalls)
        try container.encode(failureRatio, forKey: .failureRatio)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(initialPause.wholeMilliseconds, forKey: .initialPauseMilliseconds)
        try container.encode(maxPause.wholeMilliseconds, forKey: .maxPauseMilliseconds)
        try container.encode(maxFailedProbesPerDelivery, forKey: .maxFailedProbesPerDelivery)
    }
}

/// Leave to send one call, handed out by `CircuitBreaker.admit(for:)`.
///
/// Every permit must come back to its breaker exactly once, through `record(_:_:)` when the
/// call was answered or `release(_:)` when it ended without an answer (cancelled, refused a
/// rate slot). A probe's permit is what lets the breaker know its probe has ended.
package struct BreakerPermit: Sendable, Equatable {
    let probe: UInt64?
    /// Who asked: a caller that fails a probe lets another waiting caller probe next.
    let caller: String
    /// Whether this call is the probe of a paused target.
    package var isProbe: Bool { probe != nil }
}

/// What a call admitted by the breaker amounted to, for the target's health.
package enum CallHealth: Sendable, Equatable {
    case succeeded
    /// The call failed; whether that is systematic is for the breaker to judge.
    case failed(detail: String)
    /// The target as a whole refused us (sign-in refused, sessions rejected again and again):
    /// systematic at once, whatever the window says.
    case targetRefused(detail: String)
}

/// A target's circuit breaker. While closed every call goes through. When failures look
/// systematic it opens: the target is paused, nothing is sent and nothing is given up on;
/// after a pause one probe goes through, and its success closes the breaker again.
///
/// Waiting callers sleep on continuations and are woken by state changes and by the probe
/// timer, never by polling.
package actor CircuitBreaker {
    package enum State: String, Sendable {
        case closed, open, probing
    }

    private let target: TargetName
    private let policy: BreakerPolicy
    private let logger: Logger
    private let clock = ContinuousClock()
    private var calls: [(at: ContinuousClock.Instant, failed: Bool)] = []
    private var consecutive = 0
    /// The wait before the next probe while open.
    package private(set) var pause: Duration
    private var reopenAt: ContinuousClock.Instant?
    private var nextProbe: UInt64 = 0
    private var currentProbe: UInt64?
    /// Who failed the last probe: they let another waiting caller probe next.
    private var lastFailedProber: String?
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    /// Callers inside `admit`, parked or awake.
    private var contenders = 0
    private var nextWaiter: UInt64 = 0
    private var timer: Task<Void, Never>?
    private var onChange: (@Sendable (TargetName, State) -> Void)?
    package private(set) var state: State = .closed {
        didSet { isClosed.store(state == .closed, ordering: .releasing) }
    }
    /// `state == .closed`, readable without a hop onto this actor: while closed, every call is
    /// admitted at once.
    private let isClosed = Atomic<Bool>(true)
    /// How many times the breaker opened.
    package private(set) var openings = 0
    /// Probes sent so far.
    package private(set) var probes = 0

    package init(target: TargetName, policy: BreakerPolicy, logger: Logger) {
        self.target = target
        self.policy = policy
        self.logger = logger
        self.pause = max(.milliseconds(1), policy.initialPause)
    }

    package func observe(_ handler: @escaping @Sendable (TargetName, State) -> Void) {
        onChange = handler
    }

    /// Waits until a call may go out. `caller` names the delivery, so that one that failed the
    /// last probe lets another waiting delivery probe next. Returns nil when cancelled first.
    package nonisolated func admit(for caller: String = "") async -> BreakerPermit? {
        if isClosed.load(ordering: .acquiring), !Task.isCancelled { return BreakerPermit(probe: nil, caller: caller) }
        return await waitForPermit(for: caller)
    }

    private func waitForPermit(for caller: String) async -> BreakerPermit? {
        contenders += 1
        defer { contenders -= 1 }
        while true {
            if Task.isCancelled { return nil }
            switch state {
            case .closed:
                return BreakerPermit(probe: nil, caller: caller)
            case .open:
                if let reopenAt, clock.now >= reopenAt {
                    if caller == lastFailedProber, !caller.isEmpty, contenders > 1 {
                        wakeAll()
                    } else {
                        nextProbe += 1
                        currentProbe = nextProbe
                        probes += 1
                        change(to: .probing)
                        logger.notice("target paused: sending a probe", metadata: [LogKey.target: "\(target)"])
                        return BreakerPermit(probe: nextProbe, caller: caller)
                    }
                }
            case .probing:
                break
            }
            await waitForChange()
        }
    }

    /// Records the answer to an admitted call; returns whether the target is now paused, so that
    /// a failed delivery is held rather than given up on.
    @discardableResult
    package func record(_ permit: BreakerPermit, _ health: CallHealth) -> Bool {
        let now = clock.now
        if let probe = permit.probe {
            guard probe == currentProbe, state == .probing else { return state != .closed && health != .succeeded }
            currentProbe = nil
            switch health {
            case .succeeded:
                calls.removeAll()
                consecutive = 0
                lastFailedProber = nil
                pause = max(.milliseconds(1), policy.initialPause)
                change(to: .closed)
                logger.notice("target resumed: probe succeeded", metadata: [LogKey.target: "\(target)"])
                return false
            case .failed(let detail), .targetRefused(let detail):
                lastFailedProber = permit.caller
                pause = min(pause * 2, max(.milliseconds(1), policy.maxPause))
                open(at: now)
                logger.critical("target still failing: paused again", metadata: [LogKey.target: "\(target)", "pause": "\(pause)", "last.failure": "\(detail)"])
                return true
            }
        }
        // A call admitted before the breaker opened: its answer no longer decides anything.
        guard state == .closed else { return health != .succeeded }
        let detail: String
        switch health {
        case .succeeded:
            append(now, failed: false)
            return false
        case .failed(let text):
            append(now, failed: true)
            let failures = calls.reduce(0) { $0 + ($1.failed ? 1 : 0) }
            let systematic = consecutive >= policy.consecutiveFailures
                || (calls.count >= policy.minimumCalls && Double(failures) / Double(calls.count) >= policy.failureRatio)
            guard systematic else { return false }
            detail = "\(failures) of \(calls.count) calls failed, \(consecutive) in a row; last: \(text)"
        case .targetRefused(let text):
            detail = "the target refused us: \(text)"
        }
        openings += 1
        open(at: now)
        logger.critical("TARGET PAUSED: failures look systematic; holding its deliveries instead of dead-lettering them", metadata: [
            LogKey.target: "\(target)", "pause": "\(pause)", "last.failure": "\(detail)",
        ])
        return true
    }

    /// Gives back a permit whose call got no answer. A probe that ends this way is no verdict on
    /// the target: another probe may go at once.
    package func release(_ permit: BreakerPermit) {
        guard let probe = permit.probe, probe == currentProbe, state == .probing else { return }
        currentProbe = nil
        open(at: clock.now, after: .zero)
    }

    private func append(_ now: ContinuousClock.Instant, failed: Bool) {
        calls.append((now, failed))
        let horizon = now - policy.window
        if let firstKept = calls.firstIndex(where: { $0.at >= horizon }), firstKept > 0 { calls.removeFirst(firstKept) }
        if calls.count > 1_000 { calls.removeFirst(calls.count - 1_000) }
        consecutive = failed ? consecutive + 1 : 0
    }

    private func open(at now: ContinuousClock.Instant, after wait: Duration? = nil) {
        let at = now + (wait ?? pause)
        reopenAt = at
        change(to: .open)
        timer?.cancel()
        timer = Task { [weak self] in
            try? await Task.sleep(until: at, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.wakeAll()
        }
    }

    private func change(to new: State) {
        state = new
        onChange?(target, new)
        if new == .closed {
            timer?.cancel()
            timer = nil
        }
        if new != .probing { wakeAll() }
    }

    private func wakeAll() {
        let sleeping = waiters
        waiters.removeAll()
        for continuation in sleeping.values { continuation.resume() }
    }

    private func waitForChange() async {
        nextWaiter += 1
        let id = nextWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume()
        // Whoever stood aside for this caller must not wait for a probe that will not come.
        if state == .open { wakeAll() }
    }
}

/// Spaces a target's calls to at most `perSecond`, with bursts up to `burst`.
package actor RateLimiter {
    private let interval: Duration
    private let burst: Int
    private let clock = ContinuousClock()
    private var nextFree: ContinuousClock.Instant

    /// `perSecond` of zero or less means no limit; the rate is clamped to at most a million a second
    /// and at least one an hour.
    package init(perSecond: Double, burst: Int) {
        if perSecond > 0, perSecond.isFinite {
            let clamped = min(max(perSecond, 1.0 / 3_600), 1_000_000)
            self.interval = .nanoseconds(Int64(1e9 / clamped))
        } else {
            self.interval = .zero
        }
        self.burst = max(1, burst)
        self.nextFree = ContinuousClock().now
    }

    /// Waits for a slot. Returns false when cancelled while waiting. Without a limit it returns
    /// at once, with no hop onto this actor.
    package nonisolated func acquire() async -> Bool {
        guard interval > .zero else { return true }
        return await reserve()
    }

    private func reserve() async -> Bool {
        let now = clock.now
        let earliest = now - interval * (burst - 1)
        if nextFree < earliest { nextFree = earliest }
        let slot = nextFree
        nextFree = slot + interval
        guard slot > now else { return true }
        do { try await Task.sleep(until: slot, clock: clock) } catch { return false }
        return true
    }
}

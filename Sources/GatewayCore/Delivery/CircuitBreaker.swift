import Logging

/// When to treat a target's failures as systematic.
public struct BreakerPolicy: Codable, Sendable, Equatable {
    /// Calls considered: the most recent ones within `windowMilliseconds`.
    public var windowMilliseconds: Int
    /// Fewest calls in the window before the failure ratio counts.
    public var minimumCalls: Int
    /// Share of failed calls in the window that opens the breaker.
    public var failureRatio: Double
    /// Failures in a row that open the breaker whatever the window says.
    public var consecutiveFailures: Int
    /// First pause before a probe; doubles after each failed probe, up to the maximum.
    public var initialPauseMilliseconds: Int
    public var maxPauseMilliseconds: Int

    public init(windowMilliseconds: Int = 30_000, minimumCalls: Int = 10, failureRatio: Double = 0.6, consecutiveFailures: Int = 8, initialPauseMilliseconds: Int = 1_000, maxPauseMilliseconds: Int = 30_000) {
        self.windowMilliseconds = windowMilliseconds
        self.minimumCalls = minimumCalls
        self.failureRatio = failureRatio
        self.consecutiveFailures = consecutiveFailures
        self.initialPauseMilliseconds = initialPauseMilliseconds
        self.maxPauseMilliseconds = maxPauseMilliseconds
    }
}

/// A target's circuit breaker. While closed every call goes through. When failures look
/// systematic it opens: the target is paused, nothing is sent and nothing is given up on;
/// after a pause one probe goes through, and its success closes the breaker again.
public actor CircuitBreaker {
    public enum State: String, Sendable {
        case closed, open, probing
    }

    private let target: TargetName
    private let policy: BreakerPolicy
    private let logger: Logger
    private let clock = ContinuousClock()
    private var calls: [(at: ContinuousClock.Instant, failed: Bool)] = []
    private var consecutive = 0
    /// The wait before the next probe while open.
    public private(set) var pause: Duration
    private var reopenAt: ContinuousClock.Instant?
    private var probeInFlight = false
    private var onChange: (@Sendable (TargetName, State) -> Void)?
    public private(set) var state: State = .closed
    /// How many times the breaker opened.
    public private(set) var openings = 0

    public init(target: TargetName, policy: BreakerPolicy, logger: Logger) {
        self.target = target
        self.policy = policy
        self.logger = logger
        self.pause = .milliseconds(policy.initialPauseMilliseconds)
    }

    public func observe(_ handler: @escaping @Sendable (TargetName, State) -> Void) {
        onChange = handler
    }

    /// Waits until a call may go out. Returns false when cancelled while waiting.
    public func admit() async -> Bool {
        while true {
            if Task.isCancelled { return false }
            switch state {
            case .closed:
                return true
            case .open:
                if let reopenAt, clock.now >= reopenAt, !probeInFlight {
                    probeInFlight = true
                    change(to: .probing)
                    logger.notice("target paused: sending a probe", metadata: ["target": "\(target)"])
                    return true
                }
            case .probing:
                break
            }
            do { try await Task.sleep(for: .milliseconds(25)) } catch { return false }
        }
    }

    /// Records a call's result; returns whether the breaker is now open (the failure was systematic).
    @discardableResult
    public func record(failed: Bool, detail: @autoclosure () -> String = "") -> Bool {
        let now = clock.now
        if state == .probing, probeInFlight {
            probeInFlight = false
            if failed {
                pause = min(pause * 2, .milliseconds(policy.maxPauseMilliseconds))
                reopenAt = now + pause
                change(to: .open)
                logger.critical("target still failing: paused again", metadata: ["target": "\(target)", "pause": "\(pause)", "last.failure": "\(detail())"])
                return true
            }
            calls.removeAll()
            consecutive = 0
            pause = .milliseconds(policy.initialPauseMilliseconds)
            change(to: .closed)
            logger.notice("target resumed: probe succeeded", metadata: ["target": "\(target)"])
            return false
        }
        if state != .closed { return failed }
        calls.append((now, failed))
        let horizon = now - .milliseconds(policy.windowMilliseconds)
        if let firstKept = calls.firstIndex(where: { $0.at >= horizon }), firstKept > 0 { calls.removeFirst(firstKept) }
        if calls.count > 1_000 { calls.removeFirst(calls.count - 1_000) }
        consecutive = failed ? consecutive + 1 : 0
        let failures = calls.reduce(0) { $0 + ($1.failed ? 1 : 0) }
        let systematic = consecutive >= policy.consecutiveFailures
            || (calls.count >= policy.minimumCalls && Double(failures) / Double(calls.count) >= policy.failureRatio)
        guard failed, systematic else { return false }
        openings += 1
        reopenAt = now + pause
        change(to: .open)
        logger.critical("TARGET PAUSED: failures look systematic; holding its deliveries instead of dead-lettering them", metadata: [
            "target": "\(target)", "failures": "\(failures)", "calls": "\(calls.count)", "consecutive": "\(consecutive)",
            "pause": "\(pause)", "last.failure": "\(detail())",
        ])
        return true
    }

    private func change(to new: State) {
        state = new
        onChange?(target, new)
    }
}

/// Spaces a target's calls to at most `perSecond`, with bursts up to `burst`.
public actor RateLimiter {
    private let interval: Duration
    private let burst: Int
    private let clock = ContinuousClock()
    private var nextFree: ContinuousClock.Instant

    /// `perSecond` of zero or less means no limit.
    public init(perSecond: Double, burst: Int) {
        self.interval = perSecond > 0 ? .nanoseconds(Int64(1e9 / perSecond)) : .zero
        self.burst = max(1, burst)
        self.nextFree = ContinuousClock().now
    }

    /// Waits for a slot. Returns false when cancelled while waiting.
    public func acquire() async -> Bool {
        guard interval > .zero else { return true }
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

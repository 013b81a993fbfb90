import GatewayModel

/// Where one delivery stands in its retry loop.
struct RetryState: Equatable {
    /// Attempts of the current operation that count against `maxAttempts`.
    var attempts = 0
    /// Sign-ins of the current operation.
    var reauthentications = 0
    /// Probes this delivery failed while the target was paused, over all its operations.
    var failedProbes = 0
    /// When the time budget started: the first call, or the last time the target was paused.
    var budgetStart: ContinuousClock.Instant

    /// The next operation starts with fresh attempts and sign-ins; probes and budget carry on.
    mutating func startOperation() {
        attempts = 0
        reauthentications = 0
    }
}

/// What the circuit breaker is told of an answer.
enum BreakerReport: Equatable {
    case succeeded
    case failed
    case targetRefused
    /// The permit goes back unused: the request never left the process.
    case release
    /// Nothing yet: the same permit is used again after signing in.
    case keep
}

/// What a delivery does after one answer.
enum RetryStep: Equatable {
    /// The operation is done; go on with the next one.
    case done
    /// Sign in again and resend under the same permit.
    case reauthenticate
    /// The target is paused: wait for a new permit without using up attempts or budget.
    case hold
    case retry(after: Duration)
    case giveUp(GiveUpReason)
}

/// The retry loop's decisions, apart from the calls and the waiting: pure, and tested without a clock.
struct RetryDecision {
    let policy: RetryPolicy
    let breakerPolicy: BreakerPolicy

    /// What the breaker hears of `answer`, given the sign-ins already made for this operation.
    func report(for answer: OperationAnswer, reauthentications: Int) -> BreakerReport {
        switch answer.verdict {
        case .delivered, .duplicate: return .succeeded
        case .reauthenticate: return reauthentications < policy.maxReauthentications ? .keep : .targetRefused
        case .permanent, .retryable:
            switch answer.scope {
            case .local: return .release
            case .target: return .targetRefused
            case .call: return .failed
            }
        }
    }

    /// The next step after `answer`, once the breaker has heard it.
    /// - Parameters:
    ///   - held: the breaker now holds the target's deliveries (it judged the failure systematic).
    ///   - isProbe: the call was the probe of a paused target.
    ///   - state: the delivery's retry state, updated.
    ///   - now: the time the answer came.
    ///   - random: the jitter source of the backoff.
    func next(
        after answer: OperationAnswer, held: Bool, isProbe: Bool, state: inout RetryState, now: ContinuousClock.Instant,
        random: (ClosedRange<Int>) -> Int = { Int.random(in: $0) }
    ) -> RetryStep {
        switch answer.verdict {
        case .delivered, .duplicate:
            return .done
        case .reauthenticate:
            state.attempts -= 1
            if state.reauthentications < policy.maxReauthentications {
                state.reauthentications += 1
                return .reauthenticate
            }
            // Fresh sessions refused again and again: the target refuses us, not this dossier.
            state.reauthentications = 0
            state.budgetStart = now
            return .hold
        case .permanent, .retryable:
            switch answer.scope {
            case .local:
                // Sending it again would build the same request.
                return .giveUp(.permanent)
            case .target:
                state.attempts -= 1
                state.budgetStart = now
                return .hold
            case .call:
                break
            }
            if held {
                if isProbe {
                    state.failedProbes += 1
                    if state.failedProbes >= breakerPolicy.maxFailedProbesPerDelivery { return .giveUp(.heldTooLong) }
                }
                state.attempts -= 1
                state.budgetStart = now
                return .hold
            }
            if answer.verdict == .permanent { return .giveUp(.permanent) }
            let delay = policy.delay(afterFailedAttempts: state.attempts, retryAfter: answer.retryAfter, random: random)
            if state.attempts >= policy.maxAttempts { return .giveUp(.retriesExhausted) }
            if state.budgetStart.duration(to: now) + delay > policy.budget { return .giveUp(.budgetExhausted) }
            return .retry(after: delay)
        }
    }
}

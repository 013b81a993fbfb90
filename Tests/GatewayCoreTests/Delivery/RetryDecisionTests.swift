import GatewayModel
import Testing
@testable import GatewayCore

/// The retry loop's decisions, answer by answer, on a clock the test moves by hand.
@Suite struct RetryDecisionTests {
    let decision = RetryDecision(
        policy: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(1_000), budget: .milliseconds(5_000), maxRetryAfter: .milliseconds(2_000), maxReauthentications: 2),
        breakerPolicy: BreakerPolicy(maxFailedProbesPerDelivery: 2)
    )
    let start = ContinuousClock.now
    let ceiling: (ClosedRange<Int>) -> Int = { $0.upperBound }

    func answer(_ verdict: Verdict, scope: FailureScope = .call, retryAfter: Duration? = nil) -> OperationAnswer {
        OperationAnswer(verdict: verdict, httpStatus: 500, retryAfter: retryAfter, scope: scope)
    }

    /// Runs one attempt as the executor does: count it, then decide.
    func attempt(_ answer: OperationAnswer, held: Bool = false, probe: Bool = false, _ state: inout RetryState, at offset: Duration = .zero) -> RetryStep {
        state.attempts += 1
        return decision.next(after: answer, held: held, isProbe: probe, state: &state, now: start + offset, random: ceiling)
    }

    @Test func successAndDuplicatesEndTheOperation() {
        var state = RetryState(budgetStart: start)
        #expect(decision.report(for: answer(.delivered), reauthentications: 0) == .succeeded)
        #expect(attempt(answer(.delivered), &state) == .done)
        #expect(attempt(answer(.duplicate), &state) == .done)
    }

    @Test func retryableFailuresBackOffThenRunOutOfAttempts() {
        var state = RetryState(budgetStart: start)
        #expect(decision.report(for: answer(.retryable), reauthentications: 0) == .failed)
        #expect(attempt(answer(.retryable), &state) == .retry(after: .milliseconds(100)))
        #expect(attempt(answer(.retryable), &state) == .retry(after: .milliseconds(200)))
        #expect(attempt(answer(.retryable), &state) == .giveUp(.retriesExhausted))
    }

    @Test func retryAfterIsHonouredUpToItsCap() {
        var state = RetryState(budgetStart: start)
        #expect(attempt(answer(.retryable, retryAfter: .seconds(1)), &state) == .retry(after: .seconds(1)))
        #expect(attempt(answer(.retryable, retryAfter: .seconds(60)), &state) == .retry(after: .seconds(2)))
    }

    @Test func theTimeBudgetEndsRetriesBeforeTheAttemptsDo() {
        var state = RetryState(budgetStart: start)
        #expect(attempt(answer(.retryable), &state, at: .milliseconds(4_950)) == .giveUp(.budgetExhausted))
    }

    @Test func aPermanentAnswerIsGivenUpAtOnce() {
        var state = RetryState(budgetStart: start)
        #expect(attempt(answer(.permanent), &state) == .giveUp(.permanent))
    }

    @Test func aRequestThatNeverLeftTheProcessReleasesItsPermitAndIsGivenUp() {
        var state = RetryState(budgetStart: start)
        #expect(decision.report(for: answer(.permanent, scope: .local), reauthentications: 0) == .release)
        #expect(attempt(answer(.retryable, scope: .local), &state) == .giveUp(.permanent))
    }

    @Test func expiredSessionsAreSignedInAgainThenTheTargetIsHeld() {
        var state = RetryState(budgetStart: start)
        #expect(decision.report(for: answer(.reauthenticate), reauthentications: 0) == .keep)
        #expect(attempt(answer(.reauthenticate), &state) == .reauthenticate)
        #expect(attempt(answer(.reauthenticate), &state) == .reauthenticate)
        #expect(decision.report(for: answer(.reauthenticate), reauthentications: state.reauthentications) == .targetRefused)
        #expect(attempt(answer(.reauthenticate), &state, at: .seconds(3)) == .hold)
        #expect(state.attempts == 0 && state.reauthentications == 0, "sign-ins cost no attempt, and the count starts again")
        #expect(state.budgetStart == start + .seconds(3), "the budget starts again once the target is back")
    }

    @Test func aRefusalOfTheWholeTargetHoldsTheDeliveryWithoutUsingItUp() {
        var state = RetryState(budgetStart: start)
        #expect(decision.report(for: answer(.permanent, scope: .target), reauthentications: 0) == .targetRefused)
        for _ in 0..<10 { #expect(attempt(answer(.permanent, scope: .target), &state) == .hold) }
        #expect(state.attempts == 0)
    }

    @Test func aPausedTargetHoldsTheDeliveryUntilItFailsTooManyProbes() {
        var state = RetryState(budgetStart: start)
        #expect(attempt(answer(.retryable), held: true, &state) == .hold, "not a probe: held, attempts kept")
        #expect(state.attempts == 0)
        #expect(attempt(answer(.retryable), held: true, probe: true, &state) == .hold)
        #expect(attempt(answer(.retryable), held: true, probe: true, &state) == .giveUp(.heldTooLong))
    }

    @Test func probesFailedInOneOperationCountInTheNext() {
        var state = RetryState(budgetStart: start)
        #expect(attempt(answer(.retryable), held: true, probe: true, &state) == .hold)
        state.startOperation()
        #expect(attempt(answer(.retryable), held: true, probe: true, &state) == .giveUp(.heldTooLong))
    }
}

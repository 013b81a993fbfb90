import GatewayModel
import Logging

/// Brings one delivery to its system: runs its operations in order under the target's
/// retry policy, circuit breaker and rate limit, re-authenticating where the answer asks.
///
/// Every permit the breaker hands out goes back to it on every path: answered, cancelled,
/// refused a rate slot, or held while the target is paused.
struct DeliveryExecutor: Sendable {
    let adapter: any TargetAdapter
    let policy: RetryPolicy
    let breakerPolicy: BreakerPolicy
    let breaker: CircuitBreaker
    let limiter: RateLimiter
    let logger: Logger

    /// The outcome, or nil when cancelled first (the event is then neither delivered nor dead-lettered,
    /// its offset stays uncommitted and it is read again).
    func run(_ delivery: Delivery, memory: any DossierMemory) async -> DeliveryOutcome? {
        let clock = ContinuousClock()
        let decision = RetryDecision(policy: policy, breakerPolicy: breakerPolicy)
        var state = RetryState(budgetStart: clock.now)
        var reports: [DeliveryOutcome.OperationReport] = []

        for operation in delivery.operations {
            let key = delivery.idempotencyKey(for: operation)
            state.startOperation()
            var permit: BreakerPermit?
            calls: while true {
                if permit == nil {
                    guard let admitted = await breaker.admit(for: key) else { return nil }
                    permit = admitted
                }
                guard let current = permit else { return nil }
                guard await limiter.acquire() else {
                    await breaker.release(current)
                    return nil
                }
                state.attempts += 1
                let callStarted = clock.now
                let answer: OperationAnswer
                do {
                    answer = try await adapter.perform(operation, for: delivery.event, idempotencyKey: key, memory: memory)
                } catch {
                    answer = error.answer
                }
                guard !Task.isCancelled else {
                    await breaker.release(current)
                    return nil
                }
                let report = DeliveryOutcome.OperationReport(
                    operation: operation, verdict: answer.verdict, httpStatus: answer.httpStatus,
                    answerCode: answer.code, attempts: state.attempts, idempotencyKey: key
                )
                var held = false
                switch decision.report(for: answer, reauthentications: state.reauthentications) {
                case .succeeded: await breaker.record(current, .succeeded)
                case .failed: held = await breaker.record(current, .failed(detail: describe(answer)))
                case .targetRefused:
                    let detail = answer.verdict == .reauthenticate
                        ? "sessions refused after \(state.reauthentications) sign-ins: \(describe(answer))" : describe(answer)
                    await breaker.record(current, .targetRefused(detail: detail))
                case .release: await breaker.release(current)
                case .keep: break
                }
                switch decision.next(after: answer, held: held, isProbe: current.isProbe, state: &state, now: clock.now) {
                case .done:
                    reports.append(report)
                    break calls
                case .reauthenticate:
                    // The same permit: a probe stays the probe.
                    logger.info("session expired, signing in again", metadata: metadata(delivery, operation))
                    await adapter.invalidateCredentials(usedSince: callStarted)
                case .hold:
                    permit = nil
                case .retry(let delay):
                    permit = nil
                    logger.debug("retrying", metadata: metadata(delivery, operation).merging([
                        "attempt": "\(state.attempts)", "delay": "\(delay)", LogKey.errorClass: "\(answer.errorClass?.rawValue ?? "-")",
                    ]) { $1 })
                    do { try await Task.sleep(for: delay) } catch { return nil }
                case .giveUp(let reason):
                    reports.append(report)
                    return DeliveryOutcome(delivery, .deadLettered(reports, failure: answer, reason: reason))
                }
            }
        }
        let allDuplicates = !reports.isEmpty && reports.allSatisfy { $0.verdict == .duplicate }
        return DeliveryOutcome(delivery, .delivered(reports, duplicate: allDuplicates))
    }

    private func describe(_ answer: OperationAnswer) -> String {
        "\(answer.errorClass?.rawValue ?? answer.verdict.rawValue) \(answer.httpStatus.map(String.init) ?? "-") \(answer.code ?? "")"
    }

    private func metadata(_ delivery: Delivery, _ operation: String) -> Logger.Metadata {
        [LogKey.dossier: "\(delivery.event.dossierCode)", LogKey.target: "\(delivery.target)", LogKey.operation: "\(operation)", LogKey.eventID: "\(delivery.event.id)"]
    }
}

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
    func run(_ delivery: Delivery) async -> DeliveryOutcome? {
        let clock = ContinuousClock()
        var budgetStart = clock.now
        let budget = Duration.milliseconds(policy.budgetMilliseconds)
        var reports: [DeliveryOutcome.OperationReport] = []
        var failedProbes = 0

        for operation in delivery.operations {
            let key = delivery.idempotencyKey(for: operation)
            var attempts = 0
            var reauthentications = 0
            var permit: BreakerPermit?
            while true {
                if permit == nil {
                    guard let admitted = await breaker.admit(for: key) else { return nil }
                    permit = admitted
                }
                guard let current = permit else { return nil }
                guard await limiter.acquire() else {
                    await breaker.release(current)
                    return nil
                }
                attempts += 1
                let callStarted = clock.now
                let answer: OperationAnswer
                do {
                    answer = try await adapter.perform(operation, for: delivery.event, idempotencyKey: key)
                } catch {
                    answer = error.answer
                }
                guard !Task.isCancelled else {
                    await breaker.release(current)
                    return nil
                }
                let report = DeliveryOutcome.OperationReport(
                    operation: operation, verdict: answer.verdict, httpStatus: answer.httpStatus,
                    answerCode: answer.code, attempts: attempts, idempotencyKey: key
                )
                var giveUp: GiveUpReason?
                switch answer.verdict {
                case .delivered, .duplicate:
                    await breaker.record(current, .succeeded)
                    permit = nil
                    reports.append(report)
                case .reauthenticate:
                    attempts -= 1
                    if reauthentications < policy.maxReauthentications {
                        // Sign in again and resend under the same permit: a probe stays the probe.
                        reauthentications += 1
                        logger.info("session expired, signing in again", metadata: metadata(delivery, operation))
                        await adapter.invalidateCredentials(usedSince: callStarted)
                        continue
                    }
                    // Fresh sessions refused again and again: the target refuses us, not this dossier.
                    await breaker.record(current, .targetRefused(detail: "sessions refused after \(reauthentications) sign-ins: \(describe(answer))"))
                    permit = nil
                    reauthentications = 0
                    budgetStart = clock.now
                    continue
                case .permanent, .retryable:
                    if answer.scope == .local {
                        // The request never left the process: no verdict on the target, and sending
                        // it again would build the same request.
                        await breaker.release(current)
                        permit = nil
                        giveUp = .permanent
                        break
                    }
                    if answer.scope == .target {
                        attempts -= 1
                        await breaker.record(current, .targetRefused(detail: describe(answer)))
                        permit = nil
                        budgetStart = clock.now
                        continue
                    }
                    let held = await breaker.record(current, .failed(detail: describe(answer)))
                    permit = nil
                    if held {
                        if current.isProbe {
                            failedProbes += 1
                            if failedProbes >= breakerPolicy.maxFailedProbesPerDelivery {
                                giveUp = .heldTooLong
                                break
                            }
                        }
                        // Systematic: the target is paused. Hold this delivery, without using up
                        // its attempts or its budget, and send it again once the target recovers.
                        attempts -= 1
                        budgetStart = clock.now
                        continue
                    }
                    if answer.verdict == .permanent {
                        giveUp = .permanent
                        break
                    }
                    let delay = policy.delay(afterFailedAttempts: attempts, retryAfter: answer.retryAfter)
                    if attempts >= policy.maxAttempts {
                        giveUp = .retriesExhausted
                    } else if budgetStart.duration(to: clock.now) + delay > budget {
                        giveUp = .budgetExhausted
                    } else {
                        logger.debug("retrying", metadata: metadata(delivery, operation).merging([
                            "attempt": "\(attempts)", "delay": "\(delay)", "error.class": "\(answer.errorClass?.rawValue ?? "-")",
                        ]) { $1 })
                        do { try await Task.sleep(for: delay) } catch { return nil }
                        continue
                    }
                }
                if let giveUp {
                    reports.append(report)
                    return DeliveryOutcome(delivery: delivery, status: .deadLettered, operations: reports, failure: answer, reason: giveUp)
                }
                break
            }
        }
        let allDuplicates = !reports.isEmpty && reports.allSatisfy { $0.verdict == .duplicate }
        return DeliveryOutcome(delivery: delivery, status: allDuplicates ? .duplicate : .delivered, operations: reports, failure: nil, reason: nil)
    }

    private func describe(_ answer: OperationAnswer) -> String {
        "\(answer.errorClass?.rawValue ?? answer.verdict.rawValue) \(answer.httpStatus.map(String.init) ?? "-") \(answer.code ?? "")"
    }

    private func metadata(_ delivery: Delivery, _ operation: String) -> Logger.Metadata {
        ["dossier": "\(delivery.event.dossierCode)", "target": "\(delivery.target)", "operation": "\(operation)", "event.id": "\(delivery.event.id)"]
    }
}

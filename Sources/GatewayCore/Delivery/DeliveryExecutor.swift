import Logging

/// Brings one delivery to its system: runs its operations in order under the target's
/// retry policy, re-authenticating where the answer asks for it.
struct DeliveryExecutor: Sendable {
    let adapter: any TargetAdapter
    let policy: RetryPolicy
    let logger: Logger

    /// The outcome, or nil when cancelled first (the event is then neither delivered nor dead-lettered,
    /// its offset stays uncommitted and it is read again).
    func run(_ delivery: Delivery) async -> DeliveryOutcome? {
        let clock = ContinuousClock()
        let started = clock.now
        let budget = Duration.milliseconds(policy.budgetMilliseconds)
        var reports: [DeliveryOutcome.OperationReport] = []
        var reauthentications = 0

        for operation in delivery.operations {
            let key = delivery.idempotencyKey(for: operation)
            var attempts = 0
            while true {
                guard !Task.isCancelled else { return nil }
                attempts += 1
                let answer = await adapter.perform(operation, for: delivery.event, idempotencyKey: key)
                guard !Task.isCancelled else { return nil }
                let report = DeliveryOutcome.OperationReport(
                    operation: operation, verdict: answer.verdict, httpStatus: answer.httpStatus,
                    answerCode: answer.code, attempts: attempts, idempotencyKey: key
                )
                var giveUp: String?
                switch answer.verdict {
                case .delivered, .duplicate:
                    reports.append(report)
                case .reauthenticate:
                    attempts -= 1
                    if reauthentications < policy.maxReauthentications {
                        reauthentications += 1
                        logger.info("session expired, signing in again", metadata: metadata(delivery, operation))
                        await adapter.invalidateCredentials()
                        continue
                    }
                    giveUp = "authentication-failed"
                case .permanent:
                    giveUp = "permanent"
                case .retryable:
                    let delay = policy.delay(afterFailedAttempts: attempts, retryAfter: answer.retryAfter)
                    if attempts >= policy.maxAttempts {
                        giveUp = "retries-exhausted"
                    } else if started.duration(to: clock.now) + delay > budget {
                        giveUp = "budget-exhausted"
                    } else {
                        logger.debug("retrying", metadata: metadata(delivery, operation).merging([
                            "attempt": "\(attempts)", "delay": "\(delay)", "error.class": "\(answer.errorClass ?? "-")",
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

    private func metadata(_ delivery: Delivery, _ operation: String) -> Logger.Metadata {
        ["dossier": "\(delivery.event.dossierCode)", "target": "\(delivery.target)", "operation": "\(operation)", "event.id": "\(delivery.event.id)"]
    }
}

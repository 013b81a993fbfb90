import GatewayModel

/// Why a delivery was given up: `dlq.reason` and a result's `reason`, as
/// `Contracts/records/dead-letter.md` publishes them.
package enum GiveUpReason: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// The system refused the request as it was, or it could not be built.
    case permanent
    case retriesExhausted = "retries-exhausted"
    case budgetExhausted = "budget-exhausted"
    /// The delivery failed every probe it was given while the target was paused: poison, not an outage.
    case heldTooLong = "held-too-long"
    /// Not sent: an earlier event of the dossier is dead-lettered for this target.
    case parked

    package var description: String { rawValue }
}

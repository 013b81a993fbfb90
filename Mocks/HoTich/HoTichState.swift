import Foundation
import MockSupport

/// Registrations the mock has received, by one-stop dossier code, and where each stands.
///
/// A registration moves on by itself: sent (1) on receipt, eligible (3) after `pace.eligible`,
/// result issued (4) after `pace.issued`. The control API can set a registration's state
/// instead (supplement needed 2, refused 6, or any other), after which it stays there until
/// set again.
actor HoTichState {
    struct Registration: Sendable {
        var office: String
        var module: String
        var interconnectCode: String?
        var receivedAt: String
        var receivedOn: Date
        /// The flat registry record as received, as JSON.
        var record: Data
        /// A state set through the control API; nil while the registration moves on by itself.
        var setState: Int?
    }

    struct Pace: Sendable, Codable {
        var eligibleAfterMilliseconds: Int
        var issuedAfterMilliseconds: Int
    }

    private var received: [String: Registration] = [:]
    private(set) var pace = Pace(eligibleAfterMilliseconds: 1_000, issuedAfterMilliseconds: 2_000)

    func receive(_ dossier: String, _ registration: Registration) -> Bool {
        guard received[dossier] == nil else { return false }
        received[dossier] = registration
        return true
    }

    func registration(_ dossier: String) -> Registration? { received[dossier] }

    func setPace(_ pace: Pace) { self.pace = pace }

    /// Sets a received registration's state; false when the mock has no such registration.
    func set(_ dossier: String, state: Int) -> Bool {
        guard received[dossier] != nil else { return false }
        received[dossier]?.setState = state
        return true
    }

    /// The state of a registration now.
    func state(of dossier: String, now: Date = Date()) -> Int? {
        guard let registration = received[dossier] else { return nil }
        if let set = registration.setState { return set }
        let elapsed = now.timeIntervalSince(registration.receivedOn) * 1_000
        if elapsed >= Double(pace.issuedAfterMilliseconds) { return 4 }
        if elapsed >= Double(pace.eligibleAfterMilliseconds) { return 3 }
        return 1
    }
}

import Foundation
import MockSupport

/// Registrations the mock has received, by one-stop dossier code.
actor HoTichState {
    struct Registration: Sendable {
        var office: String
        var interconnectCode: String?
        var receivedAt: String
    }

    private var received: [String: Registration] = [:]

    func receive(_ dossier: String, _ registration: Registration) -> Bool {
        guard received[dossier] == nil else { return false }
        received[dossier] = registration
        return true
    }

    func registration(_ dossier: String) -> Registration? { received[dossier] }
}

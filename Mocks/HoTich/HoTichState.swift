import Foundation
import MockSupport

/// Registrations the mock has received.
actor HoTichState {
    private var received: Set<String> = []

    func receive(_ dossier: String) -> Bool { received.insert(dossier).inserted }
    func knows(_ dossier: String) -> Bool { received.contains(dossier) }
}

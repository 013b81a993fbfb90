import Foundation
import MockSupport

/// Dossiers handed over, by receipt number, and what has happened to each since.
actor VBDLISState {
    enum Stage { case received, supplementRecorded, returned }
    private var dossiers: [String: Stage] = [:]

    func receive(_ receipt: String) -> Bool {
        guard dossiers[receipt] == nil else { return false }
        dossiers[receipt] = .received
        return true
    }

    func stage(of receipt: String) -> Stage? { dossiers[receipt] }
    func record(_ stage: Stage, for receipt: String) { dossiers[receipt] = stage }
}

import Foundation
import MockSupport

/// Dossiers handed over, by receipt number.
actor VBDLISState {
    private var receipts: Set<String> = []
    func receive(_ receipt: String) -> Bool { receipts.insert(receipt).inserted }
    func knows(_ receipt: String) -> Bool { receipts.contains(receipt) }
}

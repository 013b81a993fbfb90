import Foundation
import MockSupport

/// Each dossier's status, and the order the portal allows.
actor BCAState {
    enum Outcome {
        case applied
        case alreadyDone(String)
        case outOfOrder(Int?)
    }

    private var statuses: [String: Int] = [:]

    /// Which statuses may follow each one; nil is a dossier the portal has not seen.
    static let allowed: [Int?: Set<Int>] = [
        nil: [1, 6], 1: [3, 2, 6], 3: [7, 2, 6], 7: [7, 4, 2, 6], 2: [3, 7, 2, 6], 4: [5],
    ]

    func apply(_ status: Int, to dossier: String) -> Outcome {
        let current = statuses[dossier]
        if current == 5 { return .alreadyDone("Hồ sơ đã trả kết quả, không được cập nhật trạng thái") }
        if current == 6 { return .alreadyDone("Hồ sơ đã có kết quả xử lý") }
        if current == status, status != 7 { return .alreadyDone("Hồ sơ đã tồn tại trong một cửa điện tử với trạng thái \(status)") }
        guard Self.allowed[current, default: []].contains(status) else { return .outOfOrder(current) }
        statuses[dossier] = status
        return .applied
    }

}

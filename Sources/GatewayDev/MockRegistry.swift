import BCAMock
import DVCQGMock
import EMCMock
import HoTichMock
import MockSupport
import VBDLISMock

/// The mock national systems this build serves. A new mock is one more line here; `gateway
/// mocks`, the dev stack, the process harness and the scripts read this list.
package enum MockRegistry {
    package static let systems: [any MockSystem.Type] = [
        DVCQGMock.self,
        BCAMock.self,
        VBDLISMock.self,
        HoTichMock.self,
        EMCMock.self,
    ]

    package static func system(named name: String) -> (any MockSystem.Type)? {
        systems.first { $0.name == name }
    }

    package static var names: String { systems.map { $0.name }.joined(separator: ", ") }
}

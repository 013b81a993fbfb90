import Foundation
import GatewayCore
import GatewayDev
import GatewayModel
import GatewayRuntime
import Testing

/// A national system is one unit: an adapter, a mock and a contract folder, each listed once.
@Suite struct RegistryTests {
    @Test func everySystemIsRegisteredOnBothSides() {
        let adapters = Set(AdapterRegistry.systems.map { $0.target.rawValue })
        let mocks = Set(MockRegistry.systems.map { $0.name })
        #expect(adapters == mocks, "registered on one side only: \(adapters.symmetricDifference(mocks).sorted())")
        #expect(adapters.count == AdapterRegistry.systems.count && mocks.count == MockRegistry.systems.count, "a name is listed twice")
    }

    @Test func everySystemHasItsContractFolder() {
        for system in AdapterRegistry.systems {
            for file in ["openapi.json", "classification.json", "examples/answers.json"] {
                let path = ContractFixtures.contracts.appendingPathComponent("\(system.target)/\(file)").path
                #expect(FileManager.default.fileExists(atPath: path), "\(system.target) lacks Contracts/\(system.target)/\(file)")
            }
        }
    }

    @Test func everyMockHasItsOwnPortAndGivesAGatewayEnoughToBuildItsAdapter() throws {
        let ports = MockRegistry.systems.map { $0.defaultPort }
        #expect(Set(ports).count == ports.count, "default ports collide: \(ports)")
        for system in AdapterRegistry.systems {
            #expect(throws: Never.self, "\(system.target) from its mock's connection and secrets") {
                _ = try ContractFixtures.adapter(system, transport: ScriptedTransport())
            }
        }
    }

    @Test func everyOperationIsRoutedByDefaultOrDeclared() {
        for system in AdapterRegistry.systems {
            #expect(!system.defaultRoutes.isEmpty, "\(system.target) has no default route")
            for route in system.defaultRoutes {
                #expect(route.target == system.target, "\(system.target) routes to \(route.target)")
                #expect(Set(route.operations).isSubset(of: system.operations), "\(system.target) routes undeclared operations \(route.operations)")
            }
        }
    }

    static let sensitiveFields = AdapterRegistry.systems.flatMap { system in system.sensitiveFields.map { "\(system.target).\($0)" } }

    @Test(arguments: sensitiveFields)
    func everyFieldASystemDeclaresSensitiveIsMasked(field: String) {
        let name = String(field.split(separator: ".", maxSplits: 1)[1])
        let masked = Redaction.mask(#"{"\#(name)":"Lê Văn Tám","MaHoSo":"X-1"}"#)
        #expect(!masked.contains("Tám") && masked.contains("X-1"), "\(field): \(masked)")
    }
}

import Foundation
import Testing

/// What an adapter may touch: the event model and the adapter kit, never the engine, Kafka or
/// the HTTP client. SwiftPM finds every built module, declared or not, so the rule is checked here.
@Suite struct ModuleBoundaryTests {
    static let sources = ContractFixtures.repository.appendingPathComponent("Sources")

    static func imports(under folder: String) throws -> [(file: String, module: String)] {
        let root = sources.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try files.sorted().flatMap { file in
            try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
                .compactMap { line -> (String, String)? in
                    let words = line.split(separator: " ")
                    guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { return nil }
                    return ("\(folder)/\(file)", String(words[index + 1]))
                }
        }
    }

    @Test(arguments: ["Adapters", "GatewayModel"])
    func onlyTheModelAndTheKitAreImported(folder: String) throws {
        // FoundationXML is Foundation's XML parser, a module of its own on Linux.
        let allowed: Set<String> = ["Foundation", "FoundationXML", "Logging", "Synchronization", "GatewayModel", "AdapterSupport"]
        let found = try Self.imports(under: folder)
        #expect(!found.isEmpty, "\(folder) has Swift files")
        for (file, module) in found {
            #expect(allowed.contains(module), "\(file) imports \(module); adapters see only GatewayModel and AdapterSupport")
        }
    }
}

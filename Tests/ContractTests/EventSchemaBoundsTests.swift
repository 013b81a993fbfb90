import Foundation
import GatewayCore
import GatewayModel
import Testing

/// The decoder and the event schema state the same bounds: every `EventBounds` entry is the
/// schema's `maxLength` or `maxItems` at its path, and the schema states no bound the decoder
/// leaves unchecked.
@Suite struct EventSchemaBoundsTests {
    func schemaBounds() throws -> [String: Int] {
        let data = try Data(contentsOf: ContractFixtures.contracts.appendingPathComponent("events/dossier-event.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let dossier = try #require((schema["$defs"] as? [String: Any])?["dossier"] as? [String: Any])
        var found: [String: Int] = [:]
        func walk(_ node: [String: Any], _ path: String) {
            if !path.isEmpty, let limit = (node["maxLength"] ?? node["maxItems"]) as? Int { found[path] = limit }
            if let items = node["items"] as? [String: Any] { walk(items, path + "[]") }
            for (name, child) in node["properties"] as? [String: [String: Any]] ?? [:] {
                walk(child, path.isEmpty ? name : "\(path).\(name)")
            }
        }
        walk(dossier, "")
        return found
    }

    @Test func theDecoderChecksExactlyTheSchemasBounds() throws {
        let decoder = Dictionary(uniqueKeysWithValues: EventBounds.all.map { ($0.path, $0.limit) })
        let schema = try schemaBounds().filter { $0.key != "dossierCode" }
        #expect(decoder == schema)
    }
}

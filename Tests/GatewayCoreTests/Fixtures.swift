import Foundation
import GatewayCore
import GatewayModel

enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let contracts = repository.appendingPathComponent("Contracts")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: contracts.appendingPathComponent(relative)))
    }

    static func event(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(bytes("examples/events/\(name).json"), key: nil)
    }

    /// The example reception as event `e-<dossier>-<step>` of dossier number `dossier`.
    static func event(dossier: Int, step: Int) throws -> DossierEvent {
        var event = try event("received")
        event.data.dossierCode = "000.00.12.H13-250711-\(String(format: "%05d", dossier))"
        event.subject = event.data.dossierCode
        event.id = "e-\(dossier)-\(step)"
        return event
    }

    static func origin(offset: Int64 = 0, value: [UInt8] = Array("{}".utf8)) -> EventOrigin {
        EventOrigin(topic: "dossier.events", partition: 0, offset: offset, timestampMilliseconds: 1_752_200_000_000,
                    key: Array("000.00.12.H13-250711-00042".utf8), value: value, headers: [.init(key: "traceparent", value: Array("00-abc-def-01".utf8))])
    }
}

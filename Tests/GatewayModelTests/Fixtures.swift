import Foundation
import GatewayModel

/// The contracts folder and its example events.
enum Fixtures {
    static let contracts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Contracts")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: contracts.appendingPathComponent(relative)))
    }

    static func event(_ name: String) throws -> DossierEvent {
        try DossierEventDecoder.decode(bytes("examples/events/\(name).json"), key: nil)
    }
}

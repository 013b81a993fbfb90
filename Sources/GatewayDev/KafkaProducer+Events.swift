import GatewayCore
import GatewayModel
import Kafka

extension KafkaProducer {
    /// Publishes `events` as the one-stop system does: each dossier's events one after another,
    /// so that they reach their partition in order; different dossiers side by side. (Sends
    /// started together may be enqueued in any order, which would reorder a dossier.)
    package func sendInDossierOrder(_ events: [DossierEvent], topic: String) async throws {
        let encoder = JSONCoding.encoder
        var byDossier: [String: [(key: String, value: [UInt8])]] = [:]
        var dossiers: [String] = []
        for event in events {
            if byDossier[event.dossierCode] == nil { dossiers.append(event.dossierCode) }
            byDossier[event.dossierCode, default: []].append((event.dossierCode, Array(try encoder.encode(event))))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for dossier in dossiers {
                if running == 512 {
                    _ = try await group.next()
                    running -= 1
                }
                let records = byDossier[dossier] ?? []
                group.addTask {
                    for record in records {
                        _ = try await self.send(KafkaProducerMessage(topic: topic, key: record.key, value: record.value))
                    }
                }
                running += 1
            }
            try await group.waitForAll()
        }
    }
}

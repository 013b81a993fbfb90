import Foundation
import GatewayModel
import HoTichAdapter
import Logging
import ServiceLifecycle

/// Asks the civil registry, every `interval`, where each watched registration stands (three
/// codes of one module a call), and publishes every new state on the inbound topic, in the
/// order the registry reached them, before recording it in the watch. A final state (result
/// issued, refused) ends the watch.
struct RegistryResultPolling: Service {
    let watch: KafkaRegistryWatch
    let poller: HoTichResultPoller
    let interval: Duration
    let metrics: GatewayMetrics
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown { await poll() }
    }

    private func poll() async {
        var lastComplete = ContinuousClock.now
        while !Task.isCancelled {
            if await round() { lastComplete = .now }
            let age = lastComplete.duration(to: .now)
            metrics.registryPollAge(seconds: Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18)
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass over the watched registrations; true when every one of them was asked for.
    @discardableResult
    func round() async -> Bool {
        await watch.dropExpired()
        let pending = await watch.pending()
        var complete = true
        for (module, registrations) in Dictionary(grouping: pending, by: \.module).sorted(by: { $0.key < $1.key }) {
            var start = registrations.startIndex
            while start < registrations.endIndex, !Task.isCancelled {
                let batch = Array(registrations[start..<min(start + HoTichResultPoller.maxCodesPerCall, registrations.endIndex)])
                start += batch.count
                switch await poller.poll(batch.map(\.dossierCode), module: module) {
                case .failure(let failure):
                    complete = false
                    metrics.registryPoll("failed")
                    logger.warning("civil-registry result poll failed; asked again next round", metadata: ["module": "\(module)", "error": "\(failure.description)"])
                case .success(let answer):
                    metrics.registryPoll("ok")
                    for row in answer.unreadable {
                        logger.warning("civil-registry result row not understood; left out", metadata: ["row": "\(row)"])
                    }
                    for result in answer.results {
                        guard let asked = batch.first(where: { $0.dossierCode == result.dossierCode }) else { continue }
                        guard await publish(result, of: asked) else { return false }
                    }
                }
            }
        }
        metrics.registryPending(await watch.pendingCount)
        return complete
    }

    /// Publishes `result` if it is news for the registration, then records it; false when the
    /// gateway stopped first.
    private func publish(_ result: RegistryResult, of asked: RegistryWatchEntry) async -> Bool {
        let source = asked.sourcePartitionID
        // Read again: the partition may have moved, or an earlier row of this round recorded it.
        guard let entry = await watch.beginPublishing(result.dossierCode, in: source) else { return true }
        let published = await publishHeld(result, of: entry)
        await watch.endPublishing(source)
        return published
    }

    private func publishHeld(_ result: RegistryResult, of entry: RegistryWatchEntry) async -> Bool {
        guard !entry.isFinished, entry.lastState != result.state.rawValue else { return true }
        let event = inboundEvent(result, of: entry)
        let value = Array(try! JSONCoding.encoder.encode(event))
        guard let report = await watch.inbound.publish(value, key: entry.dossierCode, partition: entry.inboundPartition, what: "inbound answer") else { return false }
        metrics.inboundPublished(source: "hotich", state: result.state.name)
        logger.info("civil-registry answer published", metadata: [
            LogKey.dossier: "\(entry.dossierCode)", "state": "\(result.state.name)", "partition": "\(report.partition)", "offset": "\(report.offset)",
        ])
        _ = await watch.record(result.state.rawValue, final: result.state.isFinal, publishedAt: report.offset, of: entry.dossierCode, in: entry.sourcePartitionID)
        return true
    }

    func inboundEvent(_ result: RegistryResult, of entry: RegistryWatchEntry) -> RegistryAnswerEvent {
        var answer = result.answer(module: entry.module, interconnectCode: entry.interconnectCode)
        var event = RegistryAnswerEvent(
            id: RegistryAnswer.eventID(dossierCode: entry.dossierCode, trangThai: result.state.rawValue), source: RegistryAnswer.source,
            type: RegistryAnswer.typePrefix + result.state.name, subject: entry.dossierCode, time: VietnamTime.rfc3339(Date()), data: answer
        )
        let size = (try? JSONCoding.encoder.encode(event).count) ?? 0
        if size > watch.inbound.maxRecordBytes, answer.result?.certificateBase64 != nil {
            answer.result?.certificateBase64 = nil
            answer.details["certificateOmitted"] = .string("the certificate made the record \(size) bytes, over kafka.maxRecordBytes; ask the registry for it")
            event.data = answer
            logger.error("civil-registry certificate too large for the inbound topic; published without it", metadata: [LogKey.dossier: "\(entry.dossierCode)", "bytes": "\(size)"])
        }
        return event
    }
}

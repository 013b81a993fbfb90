import BCAAdapter
import Foundation
import GatewayModel
import Kafka
import Logging
import ServiceLifecycle

/// Takes the BCA portal's inbox in, every `interval`, on the instance that owns it: each
/// dossier listed and not yet taken in is read in detail, published on the inbound topic,
/// and only then acknowledged (`daNhan: true`).
struct PortalInboxPolling: Service {
    let inbox: KafkaPortalInbox
    let portal: BCAInbox
    let interval: Duration
    let metrics: GatewayMetrics
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await round()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func round() async {
        guard await inbox.beginRound() else { return }
        await takeIn()
        await inbox.endRound()
        await inbox.dropExpired()
    }

    private func takeIn() async {
        let listed: [PortalListing]
        switch await portal.list() {
        case .failure(let failure):
            metrics.portalPoll("failed")
            logger.warning("BCA portal list not read; asked again next round", metadata: ["error": "\(failure.description)"])
            return
        case .success(let rows):
            metrics.portalPoll("ok")
            listed = rows
        }
        for listing in listed {
            guard await inbox.isOwner, !Task.isCancelled else { return }
            guard await takeIn(listing) else { return }
        }
    }

    /// False when the gateway stopped first.
    private func takeIn(_ listing: PortalListing) async -> Bool {
        switch await inbox.entry(listing.id)?.stage {
        case nil:
            return await publish(listing)
        case .published?:
            return await acknowledge(listing)
        case .publishing?:
            // Only while stopping: a new owner settles it on start.
            return true
        case .acknowledged?:
            logger.notice("BCA portal still lists a dossier it was told of; telling it again", metadata: [LogKey.dossier: "\(listing.dossierCode)", "portalId": "\(listing.id)"])
            return await acknowledge(listing)
        case .refused?:
            return true
        }
    }

    private func publish(_ listing: PortalListing) async -> Bool {
        let dossier: PortalDossier
        switch await portal.detail(listing) {
        case .failure(let failure):
            logger.warning("BCA portal dossier not read; asked again next round", metadata: ["portalId": "\(listing.id)", "error": "\(failure.description)"])
            return true
        case .success(let read):
            dossier = read
        }
        let event = InboundEvent(
            id: PortalDossier.eventID(portalId: listing.id), source: PortalDossier.source, type: PortalDossier.type,
            subject: dossier.dossierCode, time: VietnamTime.rfc3339(Date()), data: dossier
        )
        let value = Array(try! JSONCoding.encoder.encode(event))
        let inbound = inbox.inbound
        let partition = inbound.partition(of: dossier.dossierCode)
        var entry = InboxEntry(
            portalId: listing.id, dossierCode: dossier.dossierCode, stage: .publishing, inboundPartition: partition, scanFrom: 0, offset: nil,
            at: VietnamTime.rfc3339(Date())
        )
        guard value.count <= inbound.maxRecordBytes else {
            entry.stage = .refused
            metrics.inboundRefused(source: "bca")
            logger.error("BCA portal dossier larger than kafka.maxRecordBytes: left on the portal, not acknowledged", metadata: [
                LogKey.dossier: "\(dossier.dossierCode)", "portalId": "\(listing.id)", "bytes": "\(value.count)",
            ])
            return await inbox.record(entry)
        }
        guard let scanFrom = await inbound.end(of: partition) else { return false }
        entry.scanFrom = scanFrom
        guard await inbox.record(entry) else { return false }
        guard let report = await inbound.publish(value, key: dossier.dossierCode, partition: partition, what: "inbound dossier") else { return false }
        metrics.inboundPublished(source: "bca", state: "interconnected")
        logger.info("BCA portal dossier published", metadata: [LogKey.dossier: "\(dossier.dossierCode)", "portalId": "\(listing.id)", "offset": "\(report.offset)"])
        entry.stage = .published
        entry.offset = report.offset
        guard await inbox.record(entry) else { return false }
        return await acknowledge(listing)
    }

    private func acknowledge(_ listing: PortalListing) async -> Bool {
        guard var entry = await inbox.entry(listing.id) else { return true }
        if case .failure(let failure) = await portal.acknowledge(listing) {
            logger.warning("BCA portal not acknowledged; told again next round", metadata: ["portalId": "\(listing.id)", "error": "\(failure.description)"])
            return true
        }
        entry.stage = .acknowledged
        entry.at = VietnamTime.rfc3339(Date())
        return await inbox.record(entry)
    }
}

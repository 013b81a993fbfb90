import GatewayModel
import Testing

/// The ids of inbound events: what they name, and reading them back.
@Suite struct InboundEventTests {
    @Test func theInboundEventIDNamesTheDossierAndTheStateAndReadsBack() {
        let id = RegistryAnswer.eventID(dossierCode: "000.00.31.H13-250711-00107", trangThai: 4)
        #expect(id == "hotich:000.00.31.H13-250711-00107:4")
        let parsed = RegistryAnswer.parse(eventID: id)
        #expect(parsed?.dossierCode == "000.00.31.H13-250711-00107" && parsed?.trangThai == 4)
        #expect(RegistryAnswer.parse(eventID: "evt-1") == nil)
        #expect(RegistryAnswer.parse(eventID: "hotich::4") == nil)
    }

    @Test func aPortalDossiersIDNamesThePortalsOwnID() {
        #expect(PortalDossier.eventID(portalId: "9001") == "bca:9001")
    }
}

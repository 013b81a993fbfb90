import Foundation
import GatewayModel
import Testing
@testable import GatewayRuntime

/// The `inbound` section: what it defaults to, and the settings it refuses with the key named.
@Suite struct InboundConfigurationTests {
    func load(_ environment: [String: String]) throws -> GatewayConfiguration {
        try GatewayConfiguration.load(path: nil, environment: environment)
    }

    func refusal(_ environment: [String: String]) -> String {
        do {
            _ = try load(environment)
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func pollingIsOnAndTheListenerOffByDefault() throws {
        let inbound = try load([:]).inbound
        #expect(inbound.registryResults && inbound.portalDossiers)
        #expect(inbound.vbdlisCallbacks.address == nil, "no listener without an address and a code")
        #expect(inbound.registryModules == ["LTKS", "LTKT", "LTKH"])
    }

    @Test func aListenerNeedsItsCodeAndOffLoopbackItsCertificate() throws {
        let listen = "GATEWAY__inbound__vbdlisCallbacks__listen"
        let code = ["GATEWAY__inbound__vbdlisCallbacks__securityCode": #"{"env": "CODE"}"#]
        #expect(refusal([listen: "127.0.0.1:8443"]).contains("inbound.vbdlisCallbacks.securityCode"))
        #expect(refusal(code.merging([listen: "0.0.0.0:8443"]) { $1 }).contains("is not loopback"))
        #expect(refusal(code.merging([listen: "0.0.0.0:8443", "GATEWAY__inbound__vbdlisCallbacks__certificateFile": "/tls/cert.pem"]) { $1 }).contains("go together"))
        #expect(refusal(code.merging([listen: "localhost"]) { $1 }).contains("HOST:PORT"))
        let proxied = try load(code.merging([listen: "0.0.0.0:8443", "GATEWAY__inbound__vbdlisCallbacks__allowInsecure": "true"]) { $1 })
        #expect(proxied.inbound.vbdlisCallbacks.address?.port == 8443)
    }

    @Test func unknownModulesAndTooFastPollsAreRefused() {
        #expect(refusal(["GATEWAY__inbound__registryModules": #"["LTKS", "TLHT"]"#]).contains("TLHT"))
        #expect(refusal(["GATEWAY__inbound__registryPollIntervalMilliseconds": "10"]).contains("inbound.registryPollIntervalMilliseconds"))
        #expect(refusal(["GATEWAY__inbound__finishedRetentionHours": "0"]).contains("inbound.finishedRetentionHours"))
    }
}

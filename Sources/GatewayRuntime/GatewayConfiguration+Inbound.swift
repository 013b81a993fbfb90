import Foundation
import GatewayModel

extension GatewayConfiguration {
    /// A listener a national system calls back.
    package struct CallbackSettings: Codable, Sendable {
        /// `HOST:PORT`; null or `off` turns it off.
        package var listen: String?
        package var pathPrefix: String
        /// The shared secret VBDLIS puts in the path; required when listening.
        package var securityCode: SecretSource?
        /// PEM files for HTTPS; without them the listener speaks plain HTTP, allowed on loopback
        /// or with `allowInsecure` only.
        package var certificateFile: String?
        package var keyFile: SecretSource?
        package var allowInsecure: Bool
        /// The largest body taken; a larger one is refused with `Result: 0`.
        package var maxBodyBytes: Int
        /// Calls per second from one source address, and the burst allowed.
        package var ratePerSecond: Double
        package var rateBurst: Int

        package var address: (host: String, port: Int)? {
            guard let listen, listen != "off", let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else { return nil }
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host, port)
        }
    }

    /// What comes back from the national systems, published on `kafka.inboundTopic`.
    package struct InboundSettings: Codable, Sendable {
        /// Poll the civil registry for the result of every registration sent with `NhanDKHT`
        /// and not yet final (needs the `hotich` target, its `resultPath` and `provinceCode`).
        package var registryResults: Bool
        /// How often every watched registration is asked for.
        package var registryPollIntervalMilliseconds: Int
        /// The registry modules whose registrations are watched (`LTKS`, `LTKT`, `LTKH`).
        package var registryModules: [String]
        /// Take in the BCA portal's interconnected dossiers (needs the `bca` target and its `listPath`).
        package var portalDossiers: Bool
        /// How often the portal's list is read.
        package var portalPollIntervalMilliseconds: Int
        /// The listener VBDLIS calls back (`{pathPrefix}/{call}/{securityCode}`).
        package var vbdlisCallbacks: CallbackSettings
        /// How long what was finished is remembered (a registration's final state, a portal
        /// dossier acknowledged), so that a registration sent again or a dossier listed again
        /// is not taken up twice.
        package var finishedRetentionHours: Int
    }
}

extension GatewayConfiguration {
    /// The `inbound` section's defaults.
    static var inboundDefaults: [String: Any] { [
        "registryResults": true,
        "registryPollIntervalMilliseconds": 60_000,
        "registryModules": ["LTKS", "LTKT", "LTKH"],
        "portalDossiers": true,
        "portalPollIntervalMilliseconds": 60_000,
        "finishedRetentionHours": 24 * 30,
        "vbdlisCallbacks": [
            "listen": NSNull(),
            "pathPrefix": "/api/vbdlis",
            "securityCode": NSNull(),
            "certificateFile": NSNull(),
            "keyFile": NSNull(),
            "allowInsecure": false,
            "maxBodyBytes": 8 << 20,
            "ratePerSecond": 20,
            "rateBurst": 40,
        ] as [String: Any],
    ] }
}

extension GatewayConfiguration.InboundSettings {
    /// Refuses settings the inbound flows cannot run with, naming the key.
    func check() throws {
        for module in registryModules where !["LTKS", "LTKT", "LTKH"].contains(module) {
            throw ConfigurationError("inbound.registryModules: \(module) is no registry module; known: LTKS, LTKT, LTKH")
        }
        guard registryPollIntervalMilliseconds >= 100 else { throw ConfigurationError("inbound.registryPollIntervalMilliseconds must be at least 100") }
        guard portalPollIntervalMilliseconds >= 100 else { throw ConfigurationError("inbound.portalPollIntervalMilliseconds must be at least 100") }
        guard finishedRetentionHours >= 1 else { throw ConfigurationError("inbound.finishedRetentionHours must be at least 1") }
        try vbdlisCallbacks.check()
    }
}

extension GatewayConfiguration.CallbackSettings {
    func check() throws {
        guard let listen, listen != "off" else { return }
        guard let address, (0...65_535).contains(address.port), !address.host.isEmpty else {
            throw ConfigurationError("inbound.vbdlisCallbacks.listen must be HOST:PORT, or off; got \(listen)")
        }
        guard securityCode != nil else {
            throw ConfigurationError("inbound.vbdlisCallbacks.securityCode ({\"env\": …} or {\"file\": …}) is required to listen: it is the secret in VBDLIS's callback URL")
        }
        guard (certificateFile == nil) == (keyFile == nil) else {
            throw ConfigurationError("inbound.vbdlisCallbacks: certificateFile and keyFile go together")
        }
        let loopback = address.host == "localhost" || address.host == "::1" || address.host.hasPrefix("127.")
        guard certificateFile != nil || loopback || allowInsecure else {
            throw ConfigurationError("inbound.vbdlisCallbacks.listen \(listen) is not loopback: set certificateFile and keyFile for HTTPS (the security code travels in the path), or allowInsecure behind a TLS proxy")
        }
        guard pathPrefix.hasPrefix("/"), maxBodyBytes >= 1_024, ratePerSecond > 0, rateBurst >= 1 else {
            throw ConfigurationError("inbound.vbdlisCallbacks: pathPrefix starts with /, maxBodyBytes at least 1024, ratePerSecond above 0, rateBurst at least 1")
        }
    }
}

import Foundation
import GatewayModel
import NIOSSL

/// TLS towards one national system: the authority its certificate chains to (a government CA
/// the system roots do not carry), the gateway's own certificate and key for mutual TLS, and
/// the lowest protocol version accepted. Verification of the system's certificate and host
/// name is always on.
package struct TLSSettings: Codable, Sendable, Equatable {
    /// PEM file of certificates trusted besides the system's roots.
    package var caFile: String?
    /// PEM file of the gateway's certificate chain, for systems that ask for one.
    package var certificateFile: String?
    /// The gateway's private key (PEM): a secret, so `{"file": …}` or `{"env": …}`.
    package var keyFile: SecretSource?
    /// `1.2` or `1.3`.
    package var minimumVersion: String

    package init(caFile: String? = nil, certificateFile: String? = nil, keyFile: SecretSource? = nil, minimumVersion: String = "1.2") {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.minimumVersion = minimumVersion
    }

    /// The client configuration these settings describe; a missing or unreadable file, or a
    /// certificate without its key, is a configuration error that names the setting.
    package func makeConfiguration(environment: [String: String]) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch minimumVersion {
        case "1.2": configuration.minimumTLSVersion = .tlsv12
        case "1.3": configuration.minimumTLSVersion = .tlsv13
        default: throw ConfigurationError("tls.minimumVersion must be 1.2 or 1.3")
        }
        if let caFile {
            let authorities = try Self.certificates(caFile, setting: "caFile")
            configuration.additionalTrustRoots = [.certificates(authorities)]
        }
        switch (certificateFile, keyFile) {
        case (nil, nil):
            break
        case (let certificateFile?, let keyFile?):
            let chain = try Self.certificates(certificateFile, setting: "certificateFile")
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(bytes: Array(try keyFile.resolve(environment: environment).value.utf8), format: .pem)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError("tls.keyFile is not a PEM private key")
            }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        default:
            throw ConfigurationError("tls.certificateFile and tls.keyFile go together")
        }
        return configuration
    }

    private static func certificates(_ path: String, setting: String) throws -> [NIOSSLCertificate] {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw ConfigurationError("tls.\(setting) \(path) cannot be read") }
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(bytes)), !certificates.isEmpty else {
            throw ConfigurationError("tls.\(setting) \(path) holds no PEM certificate")
        }
        return certificates
    }
}

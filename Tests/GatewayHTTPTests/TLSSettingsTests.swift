import Foundation
import GatewayCore
import GatewayHTTP
import GatewayModel
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Testing

/// A certificate authority of the test's own, with a server certificate for 127.0.0.1 and a
/// client certificate for the gateway, made with the openssl command.
struct TestAuthority {
    let folder: URL
    var ca: String { folder.appendingPathComponent("ca.pem").path }
    var serverCertificate: String { folder.appendingPathComponent("server.pem").path }
    var serverKey: String { folder.appendingPathComponent("server.key").path }
    var clientCertificate: String { folder.appendingPathComponent("client.pem").path }
    var clientKey: String { folder.appendingPathComponent("client.key").path }

    static func make() throws -> TestAuthority {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = """
        set -e
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-government-ca 2>/dev/null
        for name in server client; do
          openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj /CN=$name 2>/dev/null
        done
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TransportError(.other, "openssl failed") }
        return TestAuthority(folder: folder)
    }
}

/// An HTTPS server on loopback that answers 200 and asks every client for a certificate of the authority.
struct MutualTLSServer {
    let port: Int
    let group: ServiceGroup

    static func start(_ authority: TestAuthority) async throws -> MutualTLSServer {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(authority.serverCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: authority.serverKey, format: .pem))
        )
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority.ca))
        tls.certificateVerification = .noHostnameVerification
        let router = Hummingbird.Router()
        router.post("ok") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}"))) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "tls-server")
        logger.logLevel = .critical
        let app = Application(
            responder: router.buildResponder(), server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return MutualTLSServer(port: await iterator.next() ?? 0, group: group)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct TLSSettingsTests {
    func call(_ settings: TLSSettings, _ server: MutualTLSServer, environment: [String: String] = [:]) async throws -> Int {
        let transport = AsyncHTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        let target = transport.using(try settings.makeConfiguration(environment: environment))
        return try await target.send(OutboundRequest(url: "https://127.0.0.1:\(server.port)/ok", body: [], timeout: .seconds(5))).status
    }

    @Test func aSystemBehindAGovernmentCAWithMutualTLSIsReachedWithTheRightSettings() async throws {
        let authority = try TestAuthority.make()
        let server = try await MutualTLSServer.start(authority)
        let full = TLSSettings(caFile: authority.ca, certificateFile: authority.clientCertificate, keyFile: .file(authority.clientKey))
        #expect(try await call(full, server) == 200)
        let fromEnvironment = TLSSettings(caFile: authority.ca, certificateFile: authority.clientCertificate, keyFile: .environment("CLIENT_KEY"))
        let key = try String(contentsOfFile: authority.clientKey, encoding: .utf8)
        #expect(try await call(fromEnvironment, server, environment: ["CLIENT_KEY": key]) == 200)
        await server.group.triggerGracefulShutdown()
    }

    @Test func anUnknownAuthorityOrAMissingClientCertificateIsRefused() async throws {
        let authority = try TestAuthority.make()
        let server = try await MutualTLSServer.start(authority)
        await #expect(throws: TransportError.self, "the system roots do not know the government CA") {
            _ = try await call(TLSSettings(certificateFile: authority.clientCertificate, keyFile: .file(authority.clientKey)), server)
        }
        await #expect(throws: TransportError.self, "the system asks for a client certificate") {
            _ = try await call(TLSSettings(caFile: authority.ca), server)
        }
        await server.group.triggerGracefulShutdown()
    }

    @Test func badSettingsAreConfigurationErrorsThatNameTheSetting() throws {
        #expect { try TLSSettings(caFile: "/nonexistent/ca.pem").makeConfiguration(environment: [:]) } throws: { "\($0)".contains("tls.caFile") }
        #expect { try TLSSettings(certificateFile: "/x.pem").makeConfiguration(environment: [:]) } throws: { "\($0)".contains("go together") }
        #expect { try TLSSettings(minimumVersion: "1.0").makeConfiguration(environment: [:]) } throws: { "\($0)".contains("minimumVersion") }
        #expect(try TLSSettings().makeConfiguration(environment: [:]).minimumTLSVersion == .tlsv12)
    }
}

import Foundation
import GatewayModel
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization
import VBDLISAdapter

/// The listener VBDLIS calls back: `POST {pathPrefix}/{call}/{securityCode}`, one of the calls
/// `VBDLISCallbacks` names. A call is answered `Result: 1` only once Kafka has it on the inbound
/// topic; `Result: 0` with the reason when its security code is wrong or missing (401), its body
/// breaks the contract (400), is too large (413), its source calls too fast (429) or Kafka does
/// not take it in time (503, to be sent again). Nothing of the body is logged.
struct VBDLISCallbackListener: Service {
    let host: String
    let port: Int
    let pathPrefix: String
    let securityCode: Secret
    let tls: TLSConfiguration?
    let maxBodyBytes: Int
    let limiter: SourceRateLimiter
    let publisher: CallbackPublisher
    let metrics: GatewayMetrics
    let logger: Logger
    /// Told the port bound, once listening.
    let onListening: @Sendable (Int) -> Void

    struct Context: RequestContext, RemoteAddressRequestContext {
        var coreContext: CoreRequestContextStorage
        let remoteAddress: SocketAddress?

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            remoteAddress = source.channel.remoteAddress
        }
    }

    func run() async throws {
        try await publisher.remember()
        let router = Router(context: Context.self)
        router.post(RouterPath(pathPrefix + "/:call/:code")) { request, context in
            await handle(request, context: context)
        }
        router.post(RouterPath(pathPrefix + "/:call")) { _, _ in
            refuse(401, "thiếu mã bảo mật (security code missing)", call: "-", outcome: "unauthorised")
        }
        var quiet = logger
        quiet.logLevel = .warning
        let server: HTTPServerBuilder = if let tls { try .tls(.http1(), tlsConfiguration: tls) } else { .http1() }
        let app = Application(
            responder: router.buildResponder(), server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "national-gateway"),
            onServerRunning: { [host, port, logger, tls, onListening] channel in
                let bound = channel.localAddress?.port ?? port
                logger.notice("vbdlis callbacks listening on \(host):\(bound)", metadata: ["tls": "\(tls != nil)"])
                onListening(bound)
            },
            logger: quiet
        )
        try await app.run()
    }

    private func handle(_ request: Request, context: Context) async -> Response {
        let call = context.parameters.get("call") ?? "-"
        let knownCall = VBDLISCallbacks.calls.contains(call) ? call : "unknown"
        guard let code = context.parameters.get("code"), securityCode.matches(code.utf8) else {
            logger.warning("vbdlis callback refused: wrong security code", metadata: ["call": "\(knownCall)", "source": "\(context.remoteAddress?.ipAddress ?? "-")"])
            return refuse(401, "mã bảo mật không đúng (wrong security code)", call: knownCall, outcome: "unauthorised")
        }
        guard limiter.admit(context.remoteAddress?.ipAddress ?? "-") else {
            return refuse(429, "gọi quá nhanh, gửi lại sau (too many calls; send again later)", call: knownCall, outcome: "rate-limited")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return refuse(413, "dữ liệu quá lớn (body over \(maxBodyBytes) bytes)", call: knownCall, outcome: "too-large")
        }
        let body = Array(buffer: buffer)
        let validated: (dossierCode: String, body: [String: JSONValue])
        switch VBDLISCallbacks.validate(call: call, body: body) {
        case .failure(let violation):
            logger.warning("vbdlis callback refused: \(violation.description)", metadata: ["call": "\(knownCall)"])
            return refuse(400, "dữ liệu không hợp lệ: \(violation.description)", call: knownCall, outcome: "invalid")
        case .success(let checked):
            validated = checked
        }
        let id = "vbdlis:\(call):\(validated.dossierCode):\(Self.digest(body))"
        let event = InboundEvent(
            id: id, source: LandCallback.source, type: VBDLISCallbacks.eventType(call), subject: validated.dossierCode,
            time: VietnamTime.rfc3339(Date()), data: LandCallback(call: call, dossierCode: validated.dossierCode, body: validated.body)
        )
        let outcome = await publisher.publish(id: id, dossier: validated.dossierCode, value: Array(try! JSONCoding.encoder.encode(event)))
        switch outcome {
        case .published, .alreadyPublished:
            metrics.callback(call: knownCall, outcome: outcome == .published ? "published" : "repeat")
            if outcome == .published { metrics.inboundPublished(source: "vbdlis", state: call) }
            logger.info("vbdlis callback published", metadata: [LogKey.dossier: "\(validated.dossierCode)", "call": "\(call)", "bytes": "\(body.count)", "repeat": "\(outcome == .alreadyPublished)"])
            return Self.answer(200, accepted: true, "đã nhận (received)")
        case .unavailable(let reason):
            logger.error("vbdlis callback not taken: Kafka did not acknowledge", metadata: [LogKey.dossier: "\(validated.dossierCode)", "call": "\(call)", "error": "\(reason)"])
            return refuse(503, "tạm thời không nhận được, gửi lại sau (not stored; send again later)", call: knownCall, outcome: "unavailable")
        case .refused(let reason):
            logger.error("vbdlis callback refused by the inbound topic", metadata: [LogKey.dossier: "\(validated.dossierCode)", "call": "\(call)", "error": "\(reason)"])
            return refuse(413, "dữ liệu quá lớn cho hệ thống (too large to store)", call: knownCall, outcome: "too-large")
        }
    }

    private func refuse(_ status: Int, _ message: String, call: String, outcome: String) -> Response {
        metrics.callback(call: call, outcome: outcome)
        return Self.answer(status, accepted: false, message)
    }

    static func answer(_ status: Int, accepted: Bool, _ message: String) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: VBDLISCallbacks.answer(accepted: accepted, message)))
        )
    }

    /// The same body always has the same digest (FNV-1a, 64 bits): a call sent again is recognised.
    static func digest(_ body: [UInt8]) -> String {
        String(StableHash.of(body), radix: 16)
    }
}

/// A token bucket per source address: `rate` calls a second, `burst` at once. Sources not seen
/// for a minute are forgotten.
final class SourceRateLimiter: Sendable {
    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(burst)
    }

    func admit(_ source: String, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in
            if buckets.count > 10_000 { buckets = buckets.filter { $0.value.at.duration(to: now) < .seconds(60) } }
            var bucket = buckets[source] ?? (burst, now)
            let elapsed = bucket.at.duration(to: now)
            bucket.tokens = min(burst, bucket.tokens + rate * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[source] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[source] = bucket
            return true
        }
    }
}

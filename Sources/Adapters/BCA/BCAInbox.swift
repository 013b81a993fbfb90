import AdapterSupport
import Foundation
import GatewayModel
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A row of the portal's list: an interconnected dossier waiting for the province.
package struct PortalListing: Sendable, Equatable {
    /// The portal's own id, used for the detail call and for knowing what was taken in.
    package var id: String
    /// `maHoSo`.
    package var dossierCode: String

    package init(id: String, dossierCode: String) {
        self.id = id
        self.dossierCode = dossierCode
    }
}

/// Why a call to the portal's inbox brought nothing; the text is masked.
package struct PortalInboxFailure: Error, Sendable, CustomStringConvertible {
    package var description: String
}

/// The BCA portal's inbox: the interconnected dossiers (birth, death) citizens filed on the
/// national portal, listed until the province acknowledges them (`daNhan: true`).
package struct BCAInbox: Sendable {
    private let configuration: BCAConfiguration
    private let listPath: String
    private let headers: [(name: String, value: String)]
    private let tokens: TokenCache
    private let transport: any HTTPTransport

    package init(configuration: BCAConfiguration, listPath: String, password: Secret, headers: [(name: String, value: String)], transport: any HTTPTransport) {
        self.configuration = configuration
        self.listPath = listPath
        self.headers = headers
        self.transport = transport
        let signIn = BCASignIn(configuration: configuration, password: password, transport: transport)
        self.tokens = TokenCache(refreshMargin: .seconds(configuration.refreshMarginSeconds)) { await signIn.token() }
    }

    /// The dossiers listed now, in the portal's order.
    package func list() async -> Result<[PortalListing], PortalInboxFailure> {
        switch await call("GET", listPath, body: nil) {
        case .failure(let failure): return .failure(failure)
        case .success(let answer):
            guard case .object(let object) = answer, case .array(let rows)? = object["data"] else {
                return .failure(PortalInboxFailure(description: "the list has no data array"))
            }
            return .success(rows.compactMap { row in
                guard case .object(let fields) = row, let id = fields["id"]?.text, let code = fields["maHoSo"]?.text, !id.isEmpty, !code.isEmpty else { return nil }
                return PortalListing(id: id, dossierCode: code)
            })
        }
    }

    /// One dossier as the portal details it, its `<hoTich>` XML read into `record`.
    package func detail(_ listing: PortalListing) async -> Result<PortalDossier, PortalInboxFailure> {
        let id = listing.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? listing.id
        switch await call("GET", configuration.detailPath + "/" + id, body: nil) {
        case .failure(let failure): return .failure(failure)
        case .success(let answer): return Self.dossier(from: answer, listing: listing)
        }
    }

    /// Tells the portal the province has the dossier.
    package func acknowledge(_ listing: PortalListing) async -> Result<Void, PortalInboxFailure> {
        let body = Array((try? JSONSerialization.data(withJSONObject: ["maHoSo": listing.dossierCode, "daNhan": true] as [String: Any])) ?? Data())
        return await call("PUT", configuration.ackPath, body: body).map { _ in () }
    }

    private func call(_ method: String, _ path: String, body: [UInt8]?) async -> Result<JSONValue, PortalInboxFailure> {
        let started = ContinuousClock.now
        let token: String
        do {
            token = try await tokens.token()
        } catch {
            return .failure(PortalInboxFailure(description: "sign-in refused: \(error.answer.excerpt)"))
        }
        var headers = self.headers + [("Authorization", "Bearer \(token)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = OutboundRequest(method: method, url: configuration.baseURL + path, headers: headers, body: body, timeout: .milliseconds(configuration.timeoutMilliseconds))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failure(PortalInboxFailure(description: Redaction.mask(error.detail)))
        }
        if response.status == 401 { await tokens.invalidate(usedSince: started) }
        guard (200..<300).contains(response.status) else {
            return .failure(PortalInboxFailure(description: "HTTP \(response.status): \(Redaction.excerpt(response.body))"))
        }
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else {
            // The acknowledgement may answer in plain text ("cập nhật thành công").
            return .success(.string(String(decoding: response.body.prefix(2_048), as: UTF8.self)))
        }
        return .success(answer)
    }

    /// Reads a detail answer (`{data: {…}}` or the dossier itself): every field kept as given,
    /// the string holding the `<hoTich>` XML read into an object.
    static func dossier(from answer: JSONValue, listing: PortalListing) -> Result<PortalDossier, PortalInboxFailure> {
        guard case .object(var fields) = answer else { return .failure(PortalInboxFailure(description: "the detail is not a JSON object")) }
        if case .object(let inner)? = fields["data"] { fields = inner }
        var record: JSONValue?
        for (name, value) in fields {
            guard case .string(let text) = value, text.drop { $0.isWhitespace }.hasPrefix("<hoTich") else { continue }
            guard let parsed = HoTichXML.parse(text) else {
                return .failure(PortalInboxFailure(description: "\(name) holds a <hoTich> record that is not well-formed XML"))
            }
            record = parsed
            fields[name] = nil
        }
        guard let record else { return .failure(PortalInboxFailure(description: "the detail holds no <hoTich> record")) }
        let attachments: [JSONValue]
        if case .array(let files)? = fields.removeValue(forKey: "fileDinhKem") { attachments = files } else { attachments = [] }
        return .success(PortalDossier(
            portalId: listing.id, dossierCode: fields["maHoSo"]?.text ?? listing.dossierCode, module: fields["module"]?.text,
            procedureCode: fields["maTTHC"]?.text, unitCode: fields["maDonVi"]?.text, receivedAt: fields["ngayTiepNhan"]?.text,
            record: record, attachments: attachments, details: fields
        ))
    }
}

/// Reads a `<hoTich>` record: an element with children becomes an object, a repeated child
/// an array, an element with text only its text.
enum HoTichXML {
    static func parse(_ text: String) -> JSONValue? {
        let reader = Reader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        guard parser.parse(), let root = reader.root else { return nil }
        return root.value
    }

    final class Node {
        let name: String
        var children: [Node] = []
        var text = ""
        init(name: String) { self.name = name }

        var value: JSONValue {
            guard !children.isEmpty else { return .string(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
            var object: [String: JSONValue] = [:]
            for name in Set(children.map(\.name)) {
                let same = children.filter { $0.name == name }.map(\.value)
                object[name] = same.count == 1 ? same[0] : .array(same)
            }
            return .object(object)
        }
    }

    final class Reader: NSObject, XMLParserDelegate {
        var stack: [Node] = []
        var root: Node?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(Node(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let node = stack.popLast() else { return }
            if let parent = stack.last { parent.children.append(node) } else { root = node }
        }
    }
}

extension BCASystem {
    /// The portal's inbox, or nil when no `listPath` is configured.
    package static func makeInbox(connection: JSONValue, context: AdapterContext) throws -> BCAInbox? {
        let configuration = try decodeConnection(BCAConfiguration.self, from: connection)
        guard let listPath = configuration.listPath else { return nil }
        return BCAInbox(
            configuration: configuration, listPath: listPath, password: try configuration.password.resolve(environment: context.environment),
            headers: try configuration.headers.resolve(environment: context.environment), transport: context.transport
        )
    }
}

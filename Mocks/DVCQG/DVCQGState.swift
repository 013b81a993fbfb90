import Foundation

/// What the mock remembers: sessions, dossiers and progress rows.
actor DVCQGState {
    private let username: String
    private let password: String
    private let sessionLifetime: Duration
    private var sessions: [String: ContinuousClock.Instant] = [:]
    private var dossiers: [String: StoredRow] = [:]
    private(set) var progressRows = 0

    init(username: String, password: String, sessionLifetime: Duration) {
        self.username = username
        self.password = password
        self.sessionLifetime = sessionLifetime
    }

    func login(username: String, password: String) -> String? {
        guard username == self.username, password == self.password else { return nil }
        let session = UUID().uuidString
        sessions[session] = .now + sessionLifetime
        return session
    }

    func isValid(session: String) -> Bool { sessions[session].map { ContinuousClock.now < $0 } ?? false }
    func expireSessions() { sessions.removeAll() }
    func knows(_ code: String) -> Bool { dossiers[code] != nil }
    func store(_ code: String, _ row: StoredRow) { dossiers[code] = row }
    /// The dossier's last synced row, as JSON.
    func dossier(_ code: String) -> Data? { dossiers[code]?.json() }
    func addProgress(_ count: Int) { progressRows += count }
}

/// A synced dossier's row, kept as the text of the request that carried it (which the journal
/// holds anyway) and written out on its own only when looked up: writing out every row as it
/// came took a fifth of the mocks' CPU.
struct StoredRow: Sendable {
    let requestText: String
    /// The body's member holding the rows; nil when the body is the bare array of rows (LGSP).
    let member: String?
    let index: Int

    func json() -> Data? {
        guard let body = try? JSONSerialization.jsonObject(with: Data(requestText.utf8)) else { return nil }
        let rows = member.map { (body as? [String: Any])?[$0] } ?? body
        guard let rows = rows as? [[String: Any]], rows.indices.contains(index) else { return nil }
        return try? JSONSerialization.data(withJSONObject: rows[index])
    }
}

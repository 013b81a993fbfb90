import Foundation

/// What the mock remembers: sessions, dossiers and progress rows.
actor DVCQGState {
    private let username: String
    private let password: String
    private let sessionLifetime: Duration
    private var sessions: [String: ContinuousClock.Instant] = [:]
    private var dossiers: [String: Data] = [:]
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
    func store(_ code: String, _ row: Data) { dossiers[code] = row }
    func dossier(_ code: String) -> Data? { dossiers[code] }
    func addProgress(_ count: Int) { progressRows += count }
}

import Foundation

/// What the mock remembers: sessions, dossiers and progress rows.
actor DVCQGState {
    private let username: String
    private let password: String
    private var sessions: Set<String> = []
    private var dossiers: [String: Data] = [:]
    private(set) var progressRows = 0

    init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    func login(username: String, password: String) -> String? {
        guard username == self.username, password == self.password else { return nil }
        let session = UUID().uuidString
        sessions.insert(session)
        return session
    }

    func isValid(session: String) -> Bool { sessions.contains(session) }
    func expireSessions() { sessions.removeAll() }
    func knows(_ code: String) -> Bool { dossiers[code] != nil }
    func store(_ code: String, _ row: Data) { dossiers[code] = row }
    func dossier(_ code: String) -> Data? { dossiers[code] }
    func addProgress(_ count: Int) { progressRows += count }
}

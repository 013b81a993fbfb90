/// FNV-1a over bytes, 64 bits: the same in every process and on every restart (Swift's
/// `Hasher` is seeded per process), for choosing a dossier's inbound partition and
/// recognising a body sent again.
enum StableHash {
    static func of(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }

    /// The partition of `key` among `count`.
    static func partition(of key: String, among count: Int) -> Int32 {
        Int32(of(key.utf8) % UInt64(max(1, count)))
    }
}

import MockSupport
import Synchronization
import Testing

@Suite struct IdempotencyStoreTests {
    let ok = IdempotencyStore.Answer(status: 200, code: "0", body: Array(#"{"error_code":"0"}"#.utf8))

    @Test func aRepeatAfterTheFirstIsAbsorbed() async {
        let store = IdempotencyStore()
        #expect(await store.claim("k") == nil)
        await store.finish("k", with: ok)
        #expect(await store.claim("k")?.code == "0")
    }

    @Test func aRepeatWhileTheFirstIsProcessedWaitsForItsAnswer() async throws {
        let store = IdempotencyStore()
        #expect(await store.claim("k") == nil)
        let waited = Mutex(false)
        let repeated = Task {
            let answer = await store.claim("k")
            waited.withLock { $0 = true }
            return answer
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!waited.withLock { $0 }, "the repeat is held while the first is processed")
        await store.finish("k", with: ok)
        #expect(await repeated.value?.code == "0")
    }

    @Test func aRepeatOfARefusedRequestIsProcessedItself() async {
        let store = IdempotencyStore()
        #expect(await store.claim("k") == nil)
        let repeated = Task { await store.claim("k") }
        await store.finish("k", with: nil)
        #expect(await repeated.value == nil, "the repeat claims the key and is processed")
        let third = Task { await store.claim("k") }
        await store.finish("k", with: ok)
        #expect(await third.value?.code == "0")
    }
}

import AdapterSupport
import Foundation
import GatewayModel
import Synchronization
import Testing

@Suite struct TokenCacheTests {
    @Test func concurrentCallersShareOneFetchAndReuseTheToken() async throws {
        let fetches = Mutex(0)
        let cache = TokenCache {
            fetches.withLock { $0 += 1 }
            try? await Task.sleep(for: .milliseconds(50))
            return .success(AccessToken(value: "t", expiresAt: .now + .seconds(3600)))
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = await cache.current() } }
        }
        #expect(try await cache.current().get() == "t")
        #expect(fetches.withLock { $0 } == 1)
    }

    @Test func aTokenNearItsExpiryIsRefreshedAndAnInvalidatedOneRefetched() async throws {
        let fetches = Mutex(0)
        let cache = TokenCache(refreshMargin: .seconds(30)) {
            let count = fetches.withLock { $0 += 1; return $0 }
            return .success(AccessToken(value: "t\(count)", expiresAt: .now + .seconds(count == 1 ? 10 : 3600)))
        }
        #expect(try await cache.current().get() == "t1")
        #expect(try await cache.current().get() == "t2", "10 s left is inside the 30 s margin")
        #expect(try await cache.current().get() == "t2")
        await cache.invalidate(usedSince: .now)
        #expect(try await cache.current().get() == "t3")
    }

    @Test func aRefusedCallDoesNotThrowAwayATokenFetchedAfterItStarted() async throws {
        let fetches = Mutex(0)
        let cache = TokenCache {
            let count = fetches.withLock { $0 += 1; return $0 }
            return .success(AccessToken(value: "t\(count)", expiresAt: .now + .seconds(3600)))
        }
        #expect(try await cache.current().get() == "t1")
        // Calls A and B both start with t1 and are both refused. A invalidates and fetches t2.
        let bothStarted = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(2))
        await cache.invalidate(usedSince: bothStarted)
        #expect(try await cache.current().get() == "t2")
        // B's refusal comes later, but t2 was fetched after B began: B did not use it.
        await cache.invalidate(usedSince: bothStarted)
        #expect(try await cache.current().get() == "t2", "the fresh token survives")
        #expect(fetches.withLock { $0 } == 2)
    }

    @Test func statedLifetimesAreClampedSoNoAnswerCanTrap() {
        let now = ContinuousClock.now
        for stated in [1e16, -1e16, .infinity, -.infinity, .nan, 0] as [Double] {
            let token = AccessToken(value: "t", lifetimeSeconds: stated)
            #expect(token.expiresAt >= now + .seconds(59) && token.expiresAt <= now + .seconds(86_401), "\(stated)")
        }
    }

    @Test func aFailedFetchIsNotCached() async throws {
        let fetches = Mutex(0)
        let cache = TokenCache {
            let count = fetches.withLock { $0 += 1; return $0 }
            if count == 1 { return .failure(AuthenticationFailure(OperationAnswer(verdict: .retryable, httpStatus: 503))) }
            return .success(AccessToken(value: "ok", expiresAt: .now + .seconds(3600)))
        }
        if case .success = await cache.current() { Issue.record("the first fetch failed") }
        #expect(try await cache.current().get() == "ok")
    }

    @Test func embeddedJSONIsAStringOfSortedKeys() {
        struct User: Encodable { var b = 1; var a = "x/y" }
        #expect(EmbeddedJSON.string(User()) == #"{"a":"x/y","b":1}"#)
    }

    @Test func dottedPathsReadNestedAnswerFields() {
        let body = Array(#"{"status":{"code":200,"message":"đã tồn tại"},"data":1}"#.utf8)
        #expect(AnswerReading.text("status.code", in: body) == "200")
        #expect(AnswerReading.text("status.message", in: body) == "đã tồn tại")
        #expect(AnswerReading.text("data", in: body) == "1")
        #expect(AnswerReading.text("status.missing", in: body) == nil)
    }
}

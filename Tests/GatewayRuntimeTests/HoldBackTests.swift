import Testing
@testable import GatewayRuntime

@Suite struct HoldBackTests {
    let start = ContinuousClock.now

    @Test func onlyTheFirstPauseOfAStretchStartsIt() {
        var holdBack = HoldBack()
        let starts = [
            holdBack.paused(count: 1, at: start),
            holdBack.paused(count: 2, at: start + .seconds(1)),
            holdBack.paused(count: 40, at: start + .seconds(2)),
        ]
        #expect(starts == [true, false, false])
        #expect(holdBack.episode?.pauses == 3)
        #expect(holdBack.episode?.mostPaused == 40)
    }

    /// Pausing every partition is told once in a stretch, whether it starts the stretch or
    /// comes within one, and again in the next stretch.
    @Test func pausingEveryPartitionIsToldOnceAStretch() throws {
        var holdBack = HoldBack(quiet: .seconds(10))
        let told = [
            holdBack.paused(count: 1, at: start),
            holdBack.pausedEverything(count: 96, at: start + .seconds(1)),
            holdBack.pausedEverything(count: 96, at: start + .seconds(2)),
            holdBack.paused(count: 96, at: start + .seconds(3)),
        ]
        #expect(told == [true, true, false, false], "the stretch's start, then every partition once within it")
        let ending = holdBack.checked(pausedCount: 0, at: start + .seconds(13))
        let ended = try #require(ending)
        #expect(ended.pausedEverything && ended.pauses == 4)
        let next = holdBack.pausedEverything(count: 96, at: start + .seconds(20))
        #expect(next, "it starts the next stretch")
        #expect(holdBack.episode?.pausedEverything == true)
    }

    /// Partitions paused together and resumed 20 s later were held for those 20 s, and the
    /// stretch is told over once none has been paused for the quiet time.
    @Test func aStretchLastsWhilePartitionsStayPausedAndEndsAfterItsQuietTime() throws {
        var holdBack = HoldBack(quiet: .seconds(10))
        _ = holdBack.paused(count: 1, at: start)
        _ = holdBack.paused(count: 3, at: start)
        let whileHeld = (1...20).map { holdBack.checked(pausedCount: 3, at: start + .seconds($0)) }
        #expect(whileHeld.allSatisfy { $0 == nil })
        let notYetQuiet = holdBack.checked(pausedCount: 0, at: start + .seconds(29))
        #expect(notYetQuiet == nil, "9 s after the last paused partition is not yet quiet")
        let ending = holdBack.checked(pausedCount: 0, at: start + .seconds(30))
        let ended = try #require(ending)
        #expect(ended.held == .seconds(20))
        #expect(ended.pauses == 2 && ended.mostPaused == 3)
        #expect(holdBack.episode == nil)
        let again = holdBack.checked(pausedCount: 0, at: start + .seconds(60))
        #expect(again == nil, "an ended stretch is told once")
    }

    @Test func aPauseWithinTheQuietTimeContinuesTheStretch() {
        var holdBack = HoldBack(quiet: .seconds(10))
        _ = holdBack.paused(count: 1, at: start)
        let afterThree = holdBack.checked(pausedCount: 0, at: start + .seconds(3))
        let resumedPause = holdBack.paused(count: 1, at: start + .seconds(8))
        let afterSeventeen = holdBack.checked(pausedCount: 0, at: start + .seconds(17))
        let afterEighteen = holdBack.checked(pausedCount: 0, at: start + .seconds(18))
        let nextPause = holdBack.paused(count: 1, at: start + .seconds(19))
        #expect(afterThree == nil)
        #expect(!resumedPause, "the backlog hovering at its bound is one stretch")
        #expect(afterSeventeen == nil)
        #expect(afterEighteen?.pauses == 2)
        #expect(nextPause, "a pause after the end starts a new stretch")
    }

    @Test func checksWithoutAStretchTellNothing() {
        var holdBack = HoldBack(quiet: .zero)
        let told = holdBack.checked(pausedCount: 0, at: start)
        #expect(told == nil)
    }
}

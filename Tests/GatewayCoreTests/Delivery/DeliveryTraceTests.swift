import GatewayCore
import Testing
import W3CTraceContext

@Suite struct DeliveryTraceTests {
    @Test func traceparentIsTheLibrarysHeaderValue() {
        var generator = SystemRandomNumberGenerator()
        for flags in 0...255 {
            let context = TraceContext(traceID: .random(using: &generator), spanID: .random(using: &generator), flags: TraceFlags(rawValue: UInt8(flags)), state: TraceState())
            #expect(context.traceparent == context.traceParentHeaderValue)
        }
    }

    @Test func traceparentOfKnownIDs() throws {
        let text = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        #expect(try TraceContext(traceParentHeaderValue: text).traceparent == text)
    }

    @Test func aChildKeepsTheTraceAndTakesASpanOfItsOwn() throws {
        let parent = try TraceContext(traceParentHeaderValue: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        let child = DeliveryTrace.child(of: parent)
        #expect(child.traceparent.hasPrefix("00-0af7651916cd43dd8448eb211c80319c-"))
        #expect(child.traceparent.hasSuffix("-01"))
        #expect(!child.traceparent.contains("b7ad6b7169203331"))
    }
}

@testable import GatewayRuntime
import Testing

@Suite struct MeasuredTransportTests {
    @Test(arguments: ["traceparent", "TraceParent", "TRACEPARENT", "tracestate", "TraceState"])
    func traceHeadersAreKnownInAnyCase(name: String) {
        #expect(MeasuredTransport.isTraceHeader(name))
    }

    @Test(arguments: ["", "trace", "traceparents", "tracestat", "x-traceparent", "traceparenT2", "Authorization", "trace_state"])
    func otherHeadersAreNot(name: String) {
        #expect(!MeasuredTransport.isTraceHeader(name))
    }
}

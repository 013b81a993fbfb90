import Foundation
import GatewayDev
import MockSupport
import SampleTraffic
import Testing

/// The status page as a real headless browser renders it (Debian's chromium): the five
/// systems, and a system going red when its mock fails and green again after.
@Suite struct StatusPageBrowserTests {
    /// The DOM chromium renders for `url`.
    static func renderedDOM(_ url: String) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let run = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/chromium"), [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)", "--dump-dom", url,
        ])
        try #require(run.status == 0, "chromium rendered the page")
        return run.output
    }

    /// The rendered row of `system` in the systems table.
    static func row(_ dom: String, _ system: String) -> String {
        dom.components(separatedBy: "<tr>").first { $0.hasPrefix("<td>\(system)</td>") } ?? ""
    }

    /// The row of `system` as rendered, once `shows` holds of it or after a minute.
    static func row(of system: String, at url: String, until shows: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        var row = ""
        repeat {
            try await Task.sleep(for: .milliseconds(500))
            row = Self.row(try renderedDOM(url), system)
        } while !shows(row) && ContinuousClock.now < deadline
        return row
    }

    @Test func theDutyOfficersPageShowsEachSystemAndATargetGoingRedAndGreenAgain() async throws {
        let harness = try ProcessHarness(partitions: 1)
        let gateway = try harness.startGateway(group: "page", name: "page")
        try await gateway.waitUntilJoined()
        let end = ContinuousClock.now + .seconds(30)
        while gateway.adminPort == nil, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        let url = "http://127.0.0.1:\(try #require(gateway.adminPort))/"

        let dom = try Self.renderedDOM(url)
        #expect(dom.contains("<html lang=\"vi\">") && dom.contains("Hệ thống quốc gia") && dom.contains("Phân vùng Kafka") && dom.contains("Thư lỗi gần đây"))
        for system in ["DVCQG", "BCA", "VBDLIS", "HOTICH", "EMC"] {
            #expect(Self.row(dom, system).contains("<td class=\"ok\">Hoạt động</td>"), "\(system) is shown working: \(Self.row(dom, system))")
        }
        #expect(try Self.renderedDOM(url + "?lang=en").contains("National systems"))

        // DVCQG fails: its row turns red.
        try await harness.fault(on: "dvcqg", FaultPlan(status: 503, count: 10_000))
        let producer = try harness.producer()
        try await harness.produce(SampleTraffic(seed: 21).events(count: 10), with: producer)
        let red = try await Self.row(of: "DVCQG", at: url) { $0.contains("class=\"bad\"") }
        #expect(red.contains("<td class=\"bad\">Tạm dừng</td>") || red.contains("<td class=\"bad\">Đang thử lại</td>"), "DVCQG shown paused: \(red)")
        #expect(red.contains("http-503"), "with its last error")

        // Fixed: green again.
        try await harness.clearFaults(on: "dvcqg")
        let green = try await Self.row(of: "DVCQG", at: url) { $0.contains("<td class=\"ok\">Hoạt động</td>") }
        #expect(green.contains("<td class=\"ok\">Hoạt động</td>"), "DVCQG working again: \(green)")
        await producer.shutdown()
        #expect(await gateway.terminate() == 0)
    }
}

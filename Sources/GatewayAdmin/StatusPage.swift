import GatewayRuntime

/// The status page for the duty officers: server-rendered HTML that refreshes itself, readable
/// on a phone, with no external assets. Labels are Vietnamese, or English behind a switch.
enum StatusPage {
    private struct Labels {
        let title, ready, notReady, systems, system, state, rate, inFlight, queued, lastError, parked, partitions, partition, lag, paused: String
        let deadLetters, time, dossier, operation, errorClass, none, yes, no, other, switchText, switchLink, updated: String
        let states: [String: String]
    }

    private static let vietnamese = Labels(
        title: "Cổng tích hợp hệ thống quốc gia", ready: "Sẵn sàng", notReady: "Chưa sẵn sàng", systems: "Hệ thống quốc gia",
        system: "Hệ thống", state: "Trạng thái", rate: "Lượt gọi/giây", inFlight: "Đang gọi", queued: "Đang chờ", lastError: "Lỗi gần nhất",
        parked: "Hồ sơ tạm giữ", partitions: "Phân vùng Kafka", partition: "Phân vùng", lag: "Độ trễ (bản ghi)", paused: "Tạm dừng",
        deadLetters: "Thư lỗi gần đây", time: "Thời điểm", dossier: "Mã hồ sơ", operation: "Thao tác", errorClass: "Loại lỗi",
        none: "không có", yes: "có", no: "không", other: "Khác", switchText: "English", switchLink: "?lang=en", updated: "Cập nhật",
        states: ["closed": "Hoạt động", "open": "Tạm dừng", "probing": "Đang thử lại"]
    )

    private static let english = Labels(
        title: "National systems integration gateway", ready: "Ready", notReady: "Not ready", systems: "National systems",
        system: "System", state: "State", rate: "Calls/s", inFlight: "In flight", queued: "Queued", lastError: "Last error",
        parked: "Parked dossiers", partitions: "Kafka partitions", partition: "Partition", lag: "Lag (records)", paused: "Paused",
        deadLetters: "Recent dead letters", time: "Time", dossier: "Dossier", operation: "Operation", errorClass: "Error class",
        none: "none", yes: "yes", no: "no", other: "Other", switchText: "Tiếng Việt", switchLink: "?lang=vi", updated: "Updated",
        states: ["closed": "Working", "open": "Paused", "probing": "Probing"]
    )

    static func render(_ status: GatewayStatus, english: Bool) -> String {
        let labels = english ? Self.english : Self.vietnamese
        var html = """
            <!doctype html>
            <html lang="\(english ? "en" : "vi")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="10">
            <title>\(escape(labels.title))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:0;padding:1rem;background:#f6f7f9;color:#1b1f24}
            h1{font-size:1.2rem;margin:0 0 .5rem}h2{font-size:1rem;margin:1.2rem 0 .4rem}
            table{border-collapse:collapse;width:100%;background:#fff;font-size:.85rem}
            th,td{border-bottom:1px solid #dde1e6;padding:.3rem .4rem;text-align:left}
            .wrap{overflow-x:auto}.ok{color:#116329}.bad{color:#a40e26;font-weight:600}.muted{color:#57606a;font-size:.8rem}
            </style></head><body>
            <h1>\(escape(labels.title))</h1>
            <p class="\(status.ready ? "ok" : "bad")">\(escape(status.ready ? labels.ready : labels.notReady))\(status.reasons.isEmpty ? "" : ": " + escape(status.reasons.joined(separator: "; ")))</p>
            <p class="muted">\(escape(labels.updated)) \(escape(status.at)) · v\(escape(status.version)) · <a href="\(labels.switchLink)">\(escape(labels.switchText))</a></p>
            <h2>\(escape(labels.systems))</h2><div class="wrap"><table>
            <tr><th>\(escape(labels.system))</th><th>\(escape(labels.state))</th><th>\(escape(labels.rate))</th><th>\(escape(labels.inFlight))</th><th>\(escape(labels.queued))</th><th>\(escape(labels.lastError))</th><th>\(escape(labels.parked))</th></tr>

            """
        for target in status.targets {
            let state = labels.states[target.breaker] ?? target.breaker
            // The time of day is enough on a page that refreshes every 10 s.
            let at = target.lastErrorAt.map { String($0.dropFirst(11).prefix(8)) } ?? ""
            let error = target.lastErrorClass.map { "\($0) \(at)" } ?? labels.none
            html += "<tr><td>\(escape(target.name.uppercased()))</td><td class=\"\(target.isPaused ? "bad" : "ok")\">\(escape(state))</td>"
            html += "<td>\(String(format: "%.1f", target.callsPerSecond))</td><td>\(target.inFlight)</td><td>\(target.queued)</td>"
            html += "<td>\(escape(error))</td><td>\(target.parkedDossiers)</td></tr>\n"
        }
        html += "</table></div>\n<h2>\(escape(labels.partitions))</h2><div class=\"wrap\"><table>\n"
        html += "<tr><th>\(escape(labels.partition))</th><th>\(escape(labels.lag))</th><th>\(escape(labels.paused))</th></tr>\n"
        for partition in status.partitions {
            html += "<tr><td>\(escape(partition.topic))[\(partition.partition)]</td><td>\(partition.lag.map(String.init) ?? "-")</td>"
            html += "<td>\(escape(partition.paused ? labels.yes : labels.no))</td></tr>\n"
        }
        html += "</table></div>\n<h2>\(escape(labels.deadLetters))</h2><div class=\"wrap\"><table>\n"
        html += "<tr><th>\(escape(labels.time))</th><th>\(escape(labels.system))</th><th>\(escape(labels.dossier))</th><th>\(escape(labels.operation))</th><th>\(escape(labels.errorClass))</th></tr>\n"
        for letter in status.recentDeadLetters {
            html += "<tr><td>\(escape(letter.at))</td><td>\(escape(letter.target.uppercased()))</td><td>\(escape(letter.dossierCode))</td>"
            html += "<td>\(escape(letter.operation ?? "-"))</td><td>\(escape(letter.errorClass ?? letter.reason ?? "-"))</td></tr>\n"
        }
        if status.recentDeadLetters.isEmpty { html += "<tr><td colspan=\"5\">\(escape(labels.none))</td></tr>\n" }
        html += "</table></div>\n</body></html>\n"
        return html
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

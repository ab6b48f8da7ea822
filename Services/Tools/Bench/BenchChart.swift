import Foundation

/// An SVG chart of one run over time: cases through per second and events per second, the
/// end-to-end latency of the cases finishing in each second, and every service's consumer
/// lag, with the phases shaded. Plain SVG, so that any browser or the repository viewer shows it.
struct BenchChart {
    struct Series {
        let label: String
        let color: String
        let points: [(Double, Double)]
    }

    struct Panel {
        let title: String
        let unit: String
        let series: [Series]
    }

    let phases: [(name: String, start: Double, end: Double)]
    let panels: [Panel]

    func svg() -> String {
        let width = 960.0, panelHeight = 200.0, left = 70.0, right = 170.0, top = 42.0, gap = 50.0
        let height = top + Double(panels.count) * (panelHeight + gap)
        let tMax = max(1, phases.map(\.end).max() ?? 1)
        func x(_ t: Double) -> Double { left + (width - left - right) * t / tMax }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>

            """
        for (i, panel) in panels.enumerated() {
            let y0 = top + Double(i) * (panelHeight + gap)
            let yMax = max(1, panel.series.flatMap { $0.points.map(\.1) }.max() ?? 1) * 1.1
            func y(_ v: Double) -> Double { y0 + panelHeight - panelHeight * min(v, yMax) / yMax }
            for (j, phase) in phases.enumerated() {
                let shade = j % 2 == 0 ? "#f2f2f2" : "#e6eef7"
                out += "<rect x=\"\(f(x(phase.start)))\" y=\"\(f(y0))\" width=\"\(f(max(0.5, x(phase.end) - x(phase.start))))\" height=\"\(f(panelHeight))\" fill=\"\(shade)\"/>\n"
                // Short phases sit side by side: every other name one line higher.
                if i == 0 { out += "<text x=\"\(f(x(phase.start) + 2))\" y=\"\(f(y0 - 4 - Double(j % 2) * 13))\" fill=\"#666\">\(phase.name)</text>\n" }
            }
            out += "<text x=\"\(f(left))\" y=\"\(f(y0 + panelHeight + 28))\" font-weight=\"bold\">\(panel.title)</text>\n"
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y0 + panelHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(y0 + panelHeight))\" stroke=\"#333\"/>\n"
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y0))\" x2=\"\(f(left))\" y2=\"\(f(y0 + panelHeight))\" stroke=\"#333\"/>\n"
            for k in 0...4 {
                let v = yMax * Double(k) / 4
                out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(label(v))</text>\n"
            }
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y0 - 4))\" text-anchor=\"end\" fill=\"#666\">\(panel.unit)</text>\n"
            for (k, series) in panel.series.enumerated() where !series.points.isEmpty {
                let path = series.points.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
                let ly = y0 + 12 + Double(k) * 14
                out += "<rect x=\"\(f(width - right + 10))\" y=\"\(f(ly - 8))\" width=\"10\" height=\"3\" fill=\"\(series.color)\"/>"
                out += "<text x=\"\(f(width - right + 24))\" y=\"\(f(ly - 3))\">\(series.label)</text>\n"
            }
            for k in 0...5 {
                let t = tMax * Double(k) / 5
                out += "<text x=\"\(f(x(t)))\" y=\"\(f(y0 + panelHeight + 13))\" text-anchor=\"middle\" fill=\"#666\">\(Int(t)) s</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
    private func label(_ v: Double) -> String {
        v >= 10_000 ? String(format: "%.0fk", v / 1000) : v >= 1000 ? String(format: "%.1fk", v / 1000) : String(format: "%.0f", v)
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
}

import Foundation
import IASHTTP
import IASRuntime

/// The five IAS indicators of one entry cohort, as a table and as a chart drawn on the server
/// (SVG, no script): the reached share of each beside its federal target. Canton only.
enum IndicatorsPage {
    /// The federal targets as shares, by indicator (the fifth has no figure).
    static let targets: [Int: Double] = [1: 1.0, 2: 0.8, 3: 2.0 / 3.0, 4: 0.5]

    static func register(on portal: Portal) {
        portal.page("GET", "/reports/indicators") { context in
            let t = context.translator
            guard context.caller.isCanton else {
                return context.page(t("error.forbidden.title"), "<p>\(t("indicators.cantonOnly"))</p>", status: 403)
            }
            let thisYear = Int(CalendarDay.today.prefix(4)) ?? 2026
            var year = thisYear - 3
            if let asked = context.request.query["entryYear"] {
                guard let value = Int(asked), (1990...thisYear).contains(value) else {
                    return context.page(t("indicators.title"), form(context, year: year, error: t("invalid.year")), status: 400)
                }
                year = value
            }
            let report = try context.get(.coordination, "/reports/ias-indicators?entryYear=\(year)")
            let indicators = report["indicators"]?.arrayValue ?? []
            let rows: [HTML] = indicators.map { i in
                let id = i["id"]?.intValue ?? 0
                let partial = i["partial"]
                return """
                    <tr><th scope="row">\(id). \(context.code("indicator", "\(id)"))</th>
                    <td class="num">\(i["numerator"]?.intValue ?? 0) / \(i["denominator"]?.intValue ?? 0)</td>
                    <td class="num">\(percent(i["share"]))</td>
                    <td class="num">\(targets[id].map { percent(.number($0)) } ?? "–")</td>
                    <td class="num">\(partial?["numerator"]?.intValue ?? 0) / \(partial?["denominator"]?.intValue ?? 0) (\(percent(partial?["share"])))</td></tr>
                    """
            }
            let body: HTML = """
                \(form(context, year: year, error: nil))
                <p>\(t("indicators.cohort", ["year": String(year), "n": String(report["cohortSize"]?.intValue ?? 0), "date": SwissFormat.date(report["asOf"]?.stringValue ?? "")]))</p>
                <table id="indicators"><caption>\(t("indicators.caption", ["year": String(year)]))</caption>
                <thead><tr><th scope="col">\(t("indicators.indicator"))</th><th scope="col" class="num">\(t("indicators.reached"))</th><th scope="col" class="num">\(t("indicators.share"))</th><th scope="col" class="num">\(t("indicators.target"))</th><th scope="col" class="num">\(t("indicators.partial"))</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                \(chart(indicators, context))
                """
            return context.page(t("indicators.title"), body, wide: true)
        }
    }

    static func form(_ context: PageContext, year: Int, error: String?) -> HTML {
        let t = context.translator
        return """
            <form method="get" action="/reports/indicators" class="search">
            \(FormFields.input("entryYear", label: t("field.entryYear"), value: String(year), error: error.map { "\($0)" }, inputMode: "numeric"))
            <div class="field"><button type="submit">\(t("indicators.show"))</button></div>
            </form>
            """
    }

    static func percent(_ value: JSONValue?) -> String {
        guard case .number(let share)? = value else { return "–" }
        return String(format: "%.1f %%", share * 100)
    }

    /// Horizontal bars: the reached share (filled), the target (a line); labelled in text so
    /// the chart needs no colour to be read, and described for screen readers by the table.
    static func chart(_ indicators: [JSONValue], _ context: PageContext) -> HTML {
        let width = 640.0, labelWidth = 220.0, barHeight = 26.0, gap = 14.0
        let plot = width - labelWidth - 60
        var parts: [HTML] = []
        for (index, i) in indicators.enumerated() {
            let id = i["id"]?.intValue ?? 0
            let y = 20 + Double(index) * (barHeight + gap)
            var share = 0.0
            if case .number(let value)? = i["share"] { share = value }
            let bar = max(0, min(1, share)) * plot
            parts.append("<text x=\"0\" y=\"\(fmt(y + barHeight * 0.7))\">\(id). \(String(context.code("indicator", "\(id)").prefix(32)))</text>")
            parts.append("<rect x=\"\(fmt(labelWidth))\" y=\"\(fmt(y))\" width=\"\(fmt(plot))\" height=\"\(fmt(barHeight))\" fill=\"#f3f4f6\" stroke=\"#6b6b6b\"/>")
            parts.append("<rect x=\"\(fmt(labelWidth))\" y=\"\(fmt(y))\" width=\"\(fmt(bar))\" height=\"\(fmt(barHeight))\" fill=\"#0b4f8a\"/>")
            if let target = targets[id] {
                let x = labelWidth + target * plot
                parts.append("<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(y - 4))\" y2=\"\(fmt(y + barHeight + 4))\" stroke=\"#a4161a\" stroke-width=\"3\"/>")
            }
            parts.append("<text x=\"\(fmt(labelWidth + plot + 6))\" y=\"\(fmt(y + barHeight * 0.7))\">\(percent(i["share"]))</text>")
        }
        let height = 30 + Double(indicators.count) * (barHeight + gap)
        return """
            <figure class="chart">
            <svg viewBox="0 0 \(fmt(width)) \(fmt(height))" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
            <title id="chart-title">\(context.t("indicators.chart"))</title>
            \(parts)
            </svg>
            <figcaption>\(context.t("indicators.legend"))</figcaption>
            </figure>
            """
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}

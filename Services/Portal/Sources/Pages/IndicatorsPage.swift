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
            let thisYear = CalendarDate.today().year
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

    /// Two horizontal bars per indicator: the share reached by those whose horizon has passed
    /// (dark) and what those still within it reached so far (lighter); the target is a red
    /// line. Every figure is also written as text, so the chart needs no colour to be read,
    /// and the table above says the same for screen readers.
    static func chart(_ indicators: [JSONValue], _ context: PageContext) -> HTML {
        let width = 720.0, left = 10.0, barHeight = 18.0, rowHeight = 78.0
        let plot = width - left - 190
        var parts: [HTML] = []
        for (index, i) in indicators.enumerated() {
            let id = i["id"]?.intValue ?? 0
            let top = 10 + Double(index) * rowHeight
            parts.append("<text x=\"\(fmt(left))\" y=\"\(fmt(top + 12))\" class=\"label\">\(id). \(context.code("indicator", "\(id)"))</text>")
            for (offset, figure, fill, key) in [(0.0, i["share"], "#0b4f8a", "indicators.bar.final"), (1.0, i["partial"]?["share"], "#4f7fb5", "indicators.bar.sofar")] {
                let y = top + 20 + offset * (barHeight + 4)
                var share = 0.0
                if case .number(let value)? = figure { share = value }
                parts.append("<rect x=\"\(fmt(left))\" y=\"\(fmt(y))\" width=\"\(fmt(plot))\" height=\"\(fmt(barHeight))\" fill=\"#ffffff\" stroke=\"#6b6b6b\"/>")
                parts.append("<rect x=\"\(fmt(left))\" y=\"\(fmt(y))\" width=\"\(fmt(max(0, min(1, share)) * plot))\" height=\"\(fmt(barHeight))\" fill=\"\(fill)\"/>")
                parts.append("<text x=\"\(fmt(left + plot + 8))\" y=\"\(fmt(y + 13))\">\(percent(figure)) \(context.t(key))</text>")
            }
            if let target = targets[id] {
                let x = left + target * plot
                parts.append("<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(top + 16))\" y2=\"\(fmt(top + 24 + 2 * barHeight + 4))\" stroke=\"#a4161a\" stroke-width=\"3\"/>")
            }
        }
        let height = 20 + Double(indicators.count) * rowHeight
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

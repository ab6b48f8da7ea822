/// The outcome of comparing the live dossier tables with the rebuilt ones (pure, unit-tested).
///
/// Seen from the live tables: a row is *missing* when the events imply it and the live table
/// lacks it, *extra* when the live table has it and no event implies it, *different* when
/// both have it (same key) with other values.
struct DossierComparisonReport: Sendable, Equatable {
    struct Sample: Sendable, Equatable {
        let kind: String
        let key: String
        /// For `different`: the columns whose values differ.
        let columns: String
    }

    struct Table: Sendable, Equatable {
        let name: String
        let liveRows: Int
        let rebuiltRows: Int
        var missing = 0
        var extra = 0
        var different = 0
        var samples: [Sample] = []

        var differences: Int { missing + extra + different }
    }

    var tables: [Table]
    /// Cases changed by events the live consumer applied after the rebuild's end offsets: not
    /// compared (their live rows are newer by design); the next run compares them.
    var casesLeftOut: Int
    /// Events the live consumer applied after the rebuild's end offsets.
    var eventsAfterEnd: Int

    var differences: Int { tables.reduce(0) { $0 + $1.differences } }
    var isIdentical: Bool { differences == 0 }

    /// The lines printed for the operator: a table of counts, then the first differing keys.
    func render() -> [String] {
        let header = ["table", "live", "rebuilt", "missing", "extra", "different"]
        let rows = tables.map { [$0.name, String($0.liveRows), String($0.rebuiltRows), String($0.missing), String($0.extra), String($0.different)] }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var lines = [line(header)] + rows.map(line)
        for table in tables {
            for sample in table.samples {
                let detail = sample.columns.isEmpty ? "" : " (\(sample.columns))"
                lines.append("\(sample.kind) \(table.name) \(sample.key)\(detail)")
            }
            let shown = table.samples.count
            if table.differences > shown { lines.append("… and \(table.differences - shown) more in \(table.name)") }
        }
        if casesLeftOut > 0 || eventsAfterEnd > 0 {
            lines.append("left out: \(casesLeftOut) cases changed by \(eventsAfterEnd) events the live consumer applied after the rebuild's "
                         + "end offsets (run again to compare them)")
        }
        lines.append(isIdentical ? "dossier: identical" : "dossier: \(differences) differences (missing = the live table lacks a row the "
                     + "events imply, extra = the live table has a row no event implies)")
        return lines
    }
}

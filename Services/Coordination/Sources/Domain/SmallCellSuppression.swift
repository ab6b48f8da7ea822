/// Which figures of a published table are withheld because they describe fewer than
/// `SmallCellSuppression.threshold` persons (the federal report; INDICATORS.md explains it).
enum SmallCellSuppression {
    /// A cell of 1 to 4 persons is withheld; 0 says nothing about anyone and is shown.
    static let threshold = 5

    static func isSmall(_ persons: Int) -> Bool { persons > 0 && persons < threshold }

    /// The cells of a breakdown (persons per cell) whose total is published as well: the small
    /// ones, and — when exactly one would be withheld while the total is shown — the smallest
    /// other non-empty cell too, so that no withheld cell is the total minus the shown ones.
    /// When no second cell can be withheld, the total is withheld instead (`totalWithheld`).
    static func breakdown(_ persons: [Int], total: Int) -> (withheld: Set<Int>, totalWithheld: Bool) {
        var withheld = Set(persons.indices.filter { isSmall(persons[$0]) })
        if isSmall(total) { return (Set(persons.indices.filter { persons[$0] > 0 }), true) }
        guard withheld.count == 1 else { return (withheld, false) }
        let complement = persons.indices.filter { !withheld.contains($0) && persons[$0] > 0 }
            .min { (persons[$0], $0) < (persons[$1], $1) }
        guard let complement else { return (withheld, true) }
        withheld.insert(complement)
        return (withheld, false)
    }
}

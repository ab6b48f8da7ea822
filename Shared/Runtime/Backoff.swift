/// Pauses between tries that double from a first one up to a ceiling: the one back-off of
/// retries and consumers, so that every worker waits the same way after a failure.
package struct Backoff: Sendable {
    private let first: Double
    private let ceiling: Double
    private var pause: Double

    package init(first: Double, ceiling: Double = 5) {
        self.first = first; self.ceiling = ceiling; pause = first
    }

    /// The pause to take now; the one after it is twice as long, up to the ceiling.
    package mutating func next() -> Double {
        defer { pause = min(pause * 2, ceiling) }
        return pause
    }

    /// Back to the first pause, after a try that went through.
    package mutating func reset() { pause = first }
}

import Foundation
import IASRuntime

/// The results of one `send` call, filled by delivery reports from the poll thread while
/// the sending thread waits.
final class DeliveryBatch: @unchecked Sendable {
    // The condition guards `results` and `remaining`.
    private let condition = MonotonicCondition()
    private var results: [Result<Void, KafkaError>?]
    private var remaining: Int

    init(count: Int) {
        results = Array(repeating: nil, count: count)
        remaining = count
    }

    /// The first result for a slot wins; a late duplicate is ignored.
    func complete(_ index: Int, _ result: Result<Void, KafkaError>) {
        condition.lock()
        defer { condition.unlock() }
        guard results[index] == nil else { return }
        results[index] = result
        remaining -= 1
        if remaining == 0 { condition.broadcast() }
    }

    /// Waits until every slot has a result or `deadline` (`MonotonicClock`) passed; unfilled slots are nil.
    func wait(until deadline: Double) -> [Result<Void, KafkaError>?] {
        condition.lock()
        defer { condition.unlock() }
        while remaining > 0 {
            if !condition.wait(until: deadline) { break }
        }
        return results
    }
}

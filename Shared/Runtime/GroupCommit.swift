import Foundation

/// Writes the items of concurrent callers together, and returns to each caller only once its
/// own item is written (or has failed with the error of the write that carried it).
///
/// Why: every audited request must have its record committed before its answer leaves, and
/// one commit per request costs a round trip and a WAL flush each. Callers that arrive while
/// a write is under way queue up; the next write carries them all, so under load the number
/// of commits follows the database's speed rather than the request rate, and alone a caller
/// pays exactly what it paid before.
///
/// There is no thread of its own: a waiting caller becomes the writer when no write is under
/// way (the "leader" of the usual group-commit scheme), so nothing needs starting or stopping.
public final class GroupCommit<Item: Sendable>: @unchecked Sendable {
    /// Writes a batch as a whole: either every item is durable when it returns, or it throws.
    public typealias Write = @Sendable ([Item]) throws -> Void

    private final class Slot {
        let item: Item
        var outcome: Result<Void, Error>?
        init(_ item: Item) { self.item = item }
    }

    private let condition = NSCondition()
    private var queue: [Slot] = []
    private var writing = false
    private let maxBatch: Int
    private let write: Write
    private let observeBatch: @Sendable (Int) -> Void

    /// - Parameters:
    ///   - maxBatch: the most items one write carries (bounds a statement's size).
    ///   - observeBatch: told the size of every batch written (a metric).
    public init(maxBatch: Int = 256, observeBatch: @escaping @Sendable (Int) -> Void = { _ in }, write: @escaping Write) {
        precondition(maxBatch > 0, "a batch holds at least one item")
        self.maxBatch = maxBatch
        self.write = write
        self.observeBatch = observeBatch
    }

    /// Returns when `item` is written; throws the error of the write that carried it.
    public func submit(_ item: Item) throws {
        let slot = Slot(item)
        condition.lock()
        queue.append(slot)
        while slot.outcome == nil {
            if writing {
                condition.wait()
                continue
            }
            // No write under way: this caller writes the queue's head, which may or may not
            // hold its own item (it does unless more than `maxBatch` callers are ahead of it).
            writing = true
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            let outcome = Result { try write(batch.map(\.item)) }
            observeBatch(batch.count)
            condition.lock()
            for member in batch { member.outcome = outcome }
            writing = false
            condition.broadcast()
        }
        let outcome = slot.outcome!
        condition.unlock()
        try outcome.get()
    }
}

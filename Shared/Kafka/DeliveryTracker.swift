import IASRuntime

/// Maps the per-message opaque id given to librdkafka back to the waiting `send` call.
///
/// Ids are plain integers (not pointers to Swift objects), so a delivery report that arrives
/// after its `send` gave up finds nothing and is dropped safely.
final class DeliveryTracker: Sendable {
    private struct State {
        var nextId: UInt = 1
        var pending: [UInt: (batch: DeliveryBatch, index: Int)] = [:]
    }
    private let state = Locked(State())

    func register(_ batch: DeliveryBatch, index: Int) -> UInt {
        state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.pending[id] = (batch, index)
            return id
        }
    }

    /// Returns false when nobody waits for `id` any more.
    @discardableResult
    func complete(id: UInt, _ result: Result<Void, KafkaError>) -> Bool {
        guard let entry = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return false }
        entry.batch.complete(entry.index, result)
        return true
    }

    func forget(_ ids: [UInt]) {
        state.withLock { s in
            for id in ids { s.pending.removeValue(forKey: id) }
        }
    }
}

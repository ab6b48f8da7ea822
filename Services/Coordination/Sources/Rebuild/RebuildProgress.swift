import IASKafka

/// How far `rebuild-dossier` reads each partition: up to the offset the live consumer group
/// had committed when the rebuild started (exclusive). Everything before it the live
/// projection has applied, so the rebuilt tables and the live ones describe the same events.
struct RebuildProgress: Sendable {
    enum Decision: Equatable { case apply, beyondEnd }

    /// Exclusive end offset per partition that has something to read.
    let ends: [TopicPartition: Int64]
    private(set) var remaining: Set<TopicPartition>
    /// Partitions whose log ended before the committed offset (records removed from the topic).
    private(set) var endedEarly: [TopicPartition] = []

    /// `committed`: the group's committed offset per partition, nil where it consumed nothing.
    init(committed: [TopicPartition: Int64?]) {
        var ends: [TopicPartition: Int64] = [:]
        for case let (partition, offset?) in committed where offset > 0 { ends[partition] = offset }
        self.ends = ends
        remaining = Set(ends.keys)
    }

    var partitionsToRead: [TopicPartition] { ends.keys.sorted() }
    var isComplete: Bool { remaining.isEmpty }

    /// Whether a message read belongs to the rebuild; the partition is done with its last one.
    mutating func decide(_ partition: TopicPartition, offset: Int64) -> Decision {
        guard let end = ends[partition], offset < end else {
            remaining.remove(partition)
            return .beyondEnd
        }
        if offset + 1 >= end { remaining.remove(partition) }
        return .apply
    }

    /// The reader reached the current end of a partition.
    mutating func reachedEnd(_ partition: TopicPartition) {
        if remaining.remove(partition) != nil { endedEarly.append(partition) }
    }
}

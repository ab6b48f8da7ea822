internal import CRdKafka

/// Where a consumer group that has committed nothing yet begins reading.
///
/// `beginning` is the rule: a service's own groups read every event ever published, so a
/// new instance on an empty database rebuilds its state. `end` is for a stack on databases of
/// its own beside a live one (a test stack, a trial): it must neither take the live events into
/// its databases nor publish what it derives from them, and it must not take a case's key
/// while the live groups take the case's events (the events would then wait for the key for
/// ever). Only partitions the group never committed start at their end; that start is
/// committed at once, so that a restart continues there.
public enum NewGroupStart: String, Sendable, CaseIterable {
    case beginning, end
}

/// In the assignment callback, before the partitions are assigned: each partition of
/// `partitions` on which the group committed nothing and whose end was read when the consumer
/// was made (`starts`) begins there, and that start is committed for the group. The end is
/// read before the consumer subscribes, so a record published after it is never skipped.
/// A failure is logged; such a partition then begins at the beginning.
func anchorUncommittedPartitions(_ rk: OpaquePointer, _ partitions: TopicPartitionList.Pointer,
                                 at starts: [TopicPartition: Int64], context: ClientContext) {
    let read = rd_kafka_committed(rk, partitions, 10_000)
    guard KafkaError.isSuccess(read) else {
        context.logger.warning("the group's committed offsets could not be read; its new partitions begin at the beginning",
                               ["error": KafkaError(read, "committed").description])
        return
    }
    var anchored: [TopicPartitionList.Entry] = []
    for index in 0..<Int(partitions.pointee.cnt) {
        let element = partitions.pointee.elems.advanced(by: index)
        let partition = TopicPartition(topic: String(cString: element.pointee.topic), partition: element.pointee.partition)
        // Committed before: it continues there. Not read (a topic made later): from its beginning.
        guard element.pointee.offset < 0, let start = starts[partition] else { continue }
        element.pointee.offset = start
        anchored.append(.init(topic: partition.topic, partition: partition.partition, offset: start))
    }
    guard !anchored.isEmpty else { return }
    let list = TopicPartitionList.make(anchored)
    defer { rd_kafka_topic_partition_list_destroy(list) }
    let committed = rd_kafka_commit(rk, list, 0)
    let listed = anchored.map { "\($0.topic)[\($0.partition)]@\($0.offset)" }.joined(separator: ",")
    if KafkaError.isSuccess(committed) {
        context.logger.info("a new group begins at the end of its partitions", ["partitions": listed])
    } else {
        context.logger.warning("the start of a new group could not be committed; a restart before its first commit begins at a later end",
                               ["partitions": listed, "error": KafkaError(committed, "commit").description])
    }
}

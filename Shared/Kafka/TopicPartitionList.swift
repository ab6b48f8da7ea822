internal import CRdKafka

/// Conversions between Swift values and `rd_kafka_topic_partition_list_t`.
enum TopicPartitionList {
    typealias Pointer = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    struct Entry {
        var topic: String
        var partition: Int32
        var offset: Int64
        var error: rd_kafka_resp_err_t = RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// A new list; the caller destroys it with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ entries: [Entry]) -> Pointer {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        for entry in entries {
            let element = rd_kafka_topic_partition_list_add(list, entry.topic, entry.partition)!
            element.pointee.offset = entry.offset
        }
        return list
    }

    static func entries(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [Entry] {
        guard let list else { return [] }
        return (0..<Int(list.pointee.cnt)).map { i in
            let element = list.pointee.elems[i]
            return Entry(
                topic: String(cString: element.topic), partition: element.partition,
                offset: element.offset, error: element.err)
        }
    }

    static func partitions(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        entries(list).map { TopicPartition(topic: $0.topic, partition: $0.partition) }
    }
}

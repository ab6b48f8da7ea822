import Foundation

/// C copies of Swift strings and bytes that must stay valid for the duration of one C call
/// (librdkafka copies them itself with RD_KAFKA_MSG_F_COPY). Free with `release()`.
struct ScratchMemory {
    private var blocks: [UnsafeMutableRawPointer] = []

    mutating func cString(_ string: String) -> UnsafePointer<CChar> {
        let copy = strdup(string)!
        blocks.append(UnsafeMutableRawPointer(copy))
        return UnsafePointer(copy)
    }

    /// Never a null pointer, even for no bytes: librdkafka reads a null value as a tombstone.
    mutating func bytes(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
        let block = malloc(max(bytes.count, 1))!
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { block.copyMemory(from: base, byteCount: source.count) }
        }
        blocks.append(block)
        return block
    }

    mutating func release() {
        for block in blocks { free(block) }
        blocks.removeAll()
    }
}

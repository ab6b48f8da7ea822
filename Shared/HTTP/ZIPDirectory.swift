/// The central directory of a ZIP file (PKWARE APPNOTE 4.3), read as far as recognising an
/// office document needs, and only when its structure holds together: the end-of-central-
/// directory record ends the file (after its comment), the directory ends where that record
/// begins, every entry lies within the directory and every local header before it. ZIP64 and
/// archives split over several disks are not read (no document of this suite needs them).
struct ZIPDirectory {
    struct Entry {
        let name: String
        /// 0: stored (uncompressed).
        let method: UInt16
        let compressedSize: Int
        let uncompressedSize: Int
        /// Of the entry's local header.
        let offset: Int
    }

    let entries: [Entry]
    private let bytes: UnsafeBufferPointer<UInt8>
    private let directoryOffset: Int

    private static let endRecordSize = 22
    private static let maxCommentBytes = 65_535

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        guard bytes.count >= Self.endRecordSize else { return nil }
        // The record is found from the end; its comment must reach exactly to the end of the file.
        var end: Int?
        var candidate = bytes.count - Self.endRecordSize
        let lowest = max(0, candidate - Self.maxCommentBytes)
        while candidate >= lowest {
            if Self.u32(bytes, candidate) == 0x0605_4B50,
               candidate + Self.endRecordSize + Self.u16(bytes, candidate + 20) == bytes.count {
                end = candidate
                break
            }
            candidate -= 1
        }
        guard let end else { return nil }
        let disk = Self.u16(bytes, end + 4), directoryDisk = Self.u16(bytes, end + 6)
        let entriesOnDisk = Self.u16(bytes, end + 8), entryCount = Self.u16(bytes, end + 10)
        let size = Self.u32(bytes, end + 12), offset = Self.u32(bytes, end + 16)
        guard disk == 0, directoryDisk == 0, entriesOnDisk == entryCount, entryCount != 0xFFFF,
              size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF, offset + size == end else { return nil }
        directoryOffset = offset

        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var position = offset
        for _ in 0..<entryCount {
            guard position + 46 <= end, Self.u32(bytes, position) == 0x0201_4B50 else { return nil }
            let nameLength = Self.u16(bytes, position + 28)
            let next = position + 46 + nameLength + Self.u16(bytes, position + 30) + Self.u16(bytes, position + 32)
            let localOffset = Self.u32(bytes, position + 42)
            guard next <= end, localOffset + 30 <= offset else { return nil }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(position + 46)..<(position + 46 + nameLength)]), as: UTF8.self)
            entries.append(Entry(name: name, method: UInt16(Self.u16(bytes, position + 10)),
                                 compressedSize: Self.u32(bytes, position + 20), uncompressedSize: Self.u32(bytes, position + 24),
                                 offset: localOffset))
            position = next
        }
        guard position == end else { return nil }
        self.entries = entries
    }

    /// The content of a small stored (uncompressed) entry whose local header agrees with the
    /// directory; nil for anything else.
    func storedContent(of entry: Entry, maxBytes: Int = 256) -> [UInt8]? {
        guard entry.method == 0, entry.compressedSize == entry.uncompressedSize, entry.compressedSize <= maxBytes,
              Self.u32(bytes, entry.offset) == 0x0403_4B50, Self.u16(bytes, entry.offset + 8) == 0 else { return nil }
        let nameLength = Self.u16(bytes, entry.offset + 26)
        let start = entry.offset + 30 + nameLength + Self.u16(bytes, entry.offset + 28)
        guard start + entry.compressedSize <= directoryOffset,
              Array(bytes[(entry.offset + 30)..<(entry.offset + 30 + nameLength)]) == Array(entry.name.utf8) else { return nil }
        return Array(bytes[start..<(start + entry.compressedSize)])
    }

    // Little-endian fields; callers check that they lie within the buffer.
    private static func u16(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }
}

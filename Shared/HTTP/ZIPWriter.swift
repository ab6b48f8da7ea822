import Foundation

/// Writes a ZIP file (PKWARE APPNOTE 4.3) of stored, uncompressed entries with their CRC-32:
/// what every unzip tool reads, without a compression library. Names are UTF-8 (flag bit 11).
/// Not ZIP64: an entry or the whole file at 4 GiB or more, or 65,535 entries, is refused, and
/// callers keep far below that (`ZIPWriter.Limit`).
public struct ZIPWriter {
    public private(set) var bytes: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0
    private let dosTime: UInt16
    private let dosDate: UInt16

    public struct Limit: Error, CustomStringConvertible {
        public let description: String
    }

    /// `modified` is the time every entry carries (local DOS time is all the format knows; UTC here).
    public init(modified: Date = Date()) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: modified)
        dosTime = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        dosDate = UInt16(max(0, (c.year ?? 1980) - 1980) << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
    }

    public mutating func add(_ name: String, _ content: [UInt8]) throws {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 0xFFFF, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            throw Limit(description: "entry name \(name) is not a relative path")
        }
        guard content.count < 0xFFFF_FFFF, bytes.count + content.count + nameBytes.count + 30 < 0xFFFF_FFFF, count < 0xFFFF else {
            throw Limit(description: "the archive would need ZIP64 (an entry or the whole of 4 GiB, or 65,535 entries)")
        }
        let offset = UInt32(bytes.count)
        let crc = CRC32.checksum(content)
        let size = UInt32(content.count)
        // Local file header.
        Self.append(&bytes, u32: 0x0403_4B50)
        appendCommon(&bytes, crc: crc, size: size, nameLength: nameBytes.count)
        bytes += nameBytes
        bytes += content
        // Central directory entry.
        Self.append(&directory, u32: 0x0201_4B50)
        Self.append(&directory, u16: 0x031E)   // made by: Unix, version 3.0
        appendCommon(&directory, crc: crc, size: size, nameLength: nameBytes.count)
        Self.append(&directory, u16: 0)   // comment length
        Self.append(&directory, u16: 0)   // disk number
        Self.append(&directory, u16: 0)   // internal attributes
        Self.append(&directory, u32: 0o100644 << 16)   // external attributes: a regular file, rw-r--r--
        Self.append(&directory, u32: offset)
        directory += nameBytes
        count += 1
    }

    /// The whole file: the entries, the central directory and its end record.
    public func finished() throws -> [UInt8] {
        guard bytes.count + directory.count + 22 < 0xFFFF_FFFF else {
            throw Limit(description: "the archive would need ZIP64 (4 GiB or more)")
        }
        var out = bytes + directory
        Self.append(&out, u32: 0x0605_4B50)
        Self.append(&out, u16: 0)
        Self.append(&out, u16: 0)
        Self.append(&out, u16: UInt16(count))
        Self.append(&out, u16: UInt16(count))
        Self.append(&out, u32: UInt32(directory.count))
        Self.append(&out, u32: UInt32(bytes.count))
        Self.append(&out, u16: 0)
        return out
    }

    /// The size `finished()` will have.
    public var size: Int { bytes.count + directory.count + 22 }

    /// From "version needed" to the extra field's length: the same in both headers.
    private func appendCommon(_ out: inout [UInt8], crc: UInt32, size: UInt32, nameLength: Int) {
        Self.append(&out, u16: 20)   // version needed: 2.0
        Self.append(&out, u16: 1 << 11)   // names in UTF-8
        Self.append(&out, u16: 0)   // stored
        Self.append(&out, u16: dosTime)
        Self.append(&out, u16: dosDate)
        Self.append(&out, u32: crc)
        Self.append(&out, u32: size)
        Self.append(&out, u32: size)
        Self.append(&out, u16: UInt16(nameLength))
        Self.append(&out, u16: 0)   // extra field length
    }

    private static func append(_ out: inout [UInt8], u16 value: UInt16) {
        out.append(UInt8(value & 0xFF)); out.append(UInt8(value >> 8))
    }

    private static func append(_ out: inout [UInt8], u32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}

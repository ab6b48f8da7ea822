import Foundation

/// A 256-bit AES key.
///
/// A final class over memory of its own rather than a `[UInt8]`: an array may be copied by the
/// runtime anywhere, and no copy could be wiped, while this memory is never copied and is
/// overwritten (OPENSSL_cleanse) before it is freed. The bytes a key was made from are the
/// caller's to wipe. Printing, `dump` and reflection show no key material.
public final class SymmetricKey: @unchecked Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    // @unchecked Sendable: `storage` is written only in init and read-only afterwards.
    public static let byteCount = 32

    private let storage: UnsafeMutableRawBufferPointer

    /// A key from exactly 32 bytes.
    public init(bytes: some ContiguousBytes) throws {
        let count = bytes.withUnsafeBytes { $0.count }
        guard count == Self.byteCount else { throw CryptoError.invalidKeyLength(count) }
        storage = Self.allocate()
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
    }

    private init(fillingWith fill: (UnsafeMutableRawBufferPointer) -> Void) {
        storage = Self.allocate()
        fill(storage)
    }

    /// Bound to UInt8, the type libcrypto reads it as.
    private static func allocate() -> UnsafeMutableRawBufferPointer {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: byteCount, alignment: 16)
        storage.bindMemory(to: UInt8.self).initialize(repeating: 0)
        return storage
    }

    /// A new random key (a case key), from libcrypto's generator for secrets.
    public static func generate() -> SymmetricKey {
        SymmetricKey(fillingWith: SecureRandom.fillSecret)
    }

    deinit {
        LibCrypto.cleanse(storage)
        storage.deallocate()
    }

    /// The key's bytes for the duration of `body`; keep no copy of them.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// Compared in constant time.
    public static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool {
        LibCrypto.constantTimeEqual(UnsafeRawBufferPointer(lhs.storage), UnsafeRawBufferPointer(rhs.storage))
    }

    public var description: String { "SymmetricKey(\(Self.byteCount * 8) bits, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .class) }
}

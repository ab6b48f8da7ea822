import Foundation
import IASRuntime
internal import COpenSSL

/// SHA-256 by libcrypto, fed piece by piece, so that a large body is hashed as it streams by:
///
///     var hasher = SHA256Hasher()
///     hasher.update(chunk)            // as often as needed
///     let digest = hasher.finalize()  // 32 bytes
///
/// A value type over a libcrypto context that is copied on the first write after the hasher
/// itself was copied, so two copies never disturb each other.
public struct SHA256Hasher {
    public static let digestLength = 32

    private var context: DigestContext

    public init() {
        context = DigestContext()
    }

    public mutating func update(_ bytes: some ContiguousBytes) {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        bytes.withUnsafeBytes { context.update($0) }
    }

    /// The digest of everything given to `update`. Other copies of this hasher may go on.
    public consuming func finalize() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        return context.finalize()
    }

    /// The digest of `bytes` in one call.
    public static func digest(_ bytes: some ContiguousBytes) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes` in lower-case hex, as `sha256sum` prints it.
    public static func hexDigest(_ bytes: some ContiguousBytes) -> String {
        Hex.encode(digest(bytes))
    }
}

/// Owns one EVP_MD_CTX. Its calls fail only when libcrypto cannot allocate or offers no
/// SHA-256 at all, which no caller could handle: they stop the process.
private final class DigestContext {
    private let pointer: OpaquePointer

    init() {
        guard let pointer = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: \(LibCrypto.takeError())") }
        self.pointer = pointer
        guard EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1 else {
            fatalError("EVP_DigestInit_ex(sha256) failed: \(LibCrypto.takeError())")
        }
    }

    private init(copyOf other: DigestContext) {
        guard let pointer = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: \(LibCrypto.takeError())") }
        self.pointer = pointer
        guard EVP_MD_CTX_copy_ex(pointer, other.pointer) == 1 else {
            fatalError("EVP_MD_CTX_copy_ex failed: \(LibCrypto.takeError())")
        }
    }

    deinit { EVP_MD_CTX_free(pointer) }

    func copy() -> DigestContext { DigestContext(copyOf: self) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_DigestUpdate(pointer, base, bytes.count) == 1 else {
            fatalError("EVP_DigestUpdate failed: \(LibCrypto.takeError())")
        }
    }

    func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: SHA256Hasher.digestLength)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(pointer, &digest, &length) == 1, Int(length) == SHA256Hasher.digestLength else {
            fatalError("EVP_DigestFinal_ex failed: \(LibCrypto.takeError())")
        }
        return digest
    }
}

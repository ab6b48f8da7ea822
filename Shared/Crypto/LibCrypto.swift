internal import COpenSSL

/// The few helpers every libcrypto call of this module shares.
enum LibCrypto {
    /// The oldest error of this thread's libcrypto queue as text, and an empty queue after it,
    /// so that a failure does not linger and get blamed on a later call.
    static func takeError() -> String {
        defer { ERR_clear_error() }
        let code = ERR_get_error()
        guard code != 0 else { return "no reason given" }
        let capacity = 256
        var text = [CChar](repeating: 0, count: capacity)
        ERR_error_string_n(code, &text, capacity)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Overwrites `buffer` in a way the compiler may not drop as a dead store.
    static func cleanse(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        OPENSSL_cleanse(base, buffer.count)
    }

    static func cleanse(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { cleanse($0) }
    }

    /// True when both buffers are equal; the time taken depends only on the length.
    static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        return CRYPTO_memcmp(left, right, a.count) == 0
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as libcrypto's `unsigned char *`; nil for an empty buffer without storage.
    var bytePointer: UnsafePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}

extension UnsafeMutableRawBufferPointer {
    var bytePointer: UnsafeMutablePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}

internal import COpenSSL

/// HMAC-SHA256 and constant-time comparison, both done by libcrypto so that no
/// cryptographic primitive is implemented here.
public enum HMACSHA256 {
    /// Length of a MAC in bytes.
    public static let outputLength = 32

    /// The MAC of `message` under `key`, or nil when libcrypto reports a failure.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8]? {
        // libcrypto takes the key length as a C int.
        guard key.count <= Int(Int32.max) else { return nil }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var written: UInt32 = 0
        // An empty Swift array may have no storage; libcrypto wants real pointers even for
        // zero lengths, so one padding byte is appended and never counted.
        let paddedKey = key + [0]
        let paddedMessage = message + [0]
        let result = paddedKey.withUnsafeBytes { keyBuffer in
            paddedMessage.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    HMAC(
                        EVP_sha256(), keyBuffer.baseAddress, Int32(key.count),
                        messageBuffer.baseAddress, message.count,
                        outputBuffer.baseAddress, &written)
                }
            }
        }
        guard result != nil, Int(written) == outputLength else { return nil }
        return Array(output.prefix(outputLength))
    }

    /// True when both byte strings are equal; the time taken depends only on the length.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { aBuffer in
            b.withUnsafeBytes { bBuffer in
                CRYPTO_memcmp(aBuffer.baseAddress, bBuffer.baseAddress, a.count) == 0
            }
        }
    }
}

internal import COpenSSL

/// Random bytes from libcrypto's DRBG, for keys and nonces.
///
/// A failure stops the process instead of throwing: RAND_bytes fails only when the generator
/// cannot be seeded, which no retry or caller can repair, and a caller that went on after it
/// (or ignored a thrown error) could reuse a nonce or make a predictable key.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "a negative number of random bytes")
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fill($0) }
        return bytes
    }

    /// Fills `buffer` from the public DRBG (nonces).
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        fill(buffer, name: "RAND_bytes", RAND_bytes)
    }

    /// Fills `buffer` from the private DRBG, which libcrypto keeps apart for secrets, so that
    /// nothing learnt from the public nonces says anything about keys.
    static func fillSecret(_ buffer: UnsafeMutableRawBufferPointer) {
        fill(buffer, name: "RAND_priv_bytes", RAND_priv_bytes)
    }

    private static func fill(
        _ buffer: UnsafeMutableRawBufferPointer, name: String,
        _ generate: (UnsafeMutablePointer<UInt8>?, Int32) -> Int32
    ) {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            // libcrypto takes the length as a C int.
            let length = min(buffer.count - offset, Int(Int32.max))
            guard generate(base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), Int32(length)) == 1 else {
                fatalError("\(name) failed (\(LibCrypto.takeError())): libcrypto's random generator cannot be seeded; no key or nonce can be made safely")
            }
            offset += length
        }
    }
}

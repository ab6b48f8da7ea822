internal import COpenSSL

/// ES256 signatures: JOSE writes an ECDSA signature as the raw big-endian r and s of 32 bytes
/// each (RFC 7518 §3.4), libcrypto verifies the DER form (a SEQUENCE of two INTEGERs). The
/// conversion is done by libcrypto too, so that no ASN.1 is written here.
enum ECDSASignature {
    /// Bytes of r and of s on P-256.
    static let componentLength = 32

    /// The DER encoding of a JOSE ES256 signature, or nil when it is not exactly r||s of
    /// 32 bytes each (any other length is refused, never padded or truncated) or libcrypto
    /// fails.
    static func der(fromJOSE raw: [UInt8]) -> [UInt8]? {
        guard raw.count == 2 * componentLength else { return nil }
        guard let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let (r, s) = raw.withUnsafeBufferPointer { buffer in
            (BN_bin2bn(buffer.baseAddress, Int32(componentLength), nil),
             BN_bin2bn(buffer.baseAddress! + componentLength, Int32(componentLength), nil))
        }
        // On success ECDSA_SIG_set0 owns r and s (ECDSA_SIG_free releases them); otherwise
        // they are still ours to free.
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else { return nil }
        return der
    }
}

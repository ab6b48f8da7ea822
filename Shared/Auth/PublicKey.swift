internal import COpenSSL

/// A public key held by libcrypto (an `EVP_PKEY`), built from the numbers of a JWK, and the
/// one algorithm it verifies.
///
/// Sendable: the key is never changed after it is built, and every verification uses a
/// digest context of its own; libcrypto allows one `EVP_PKEY` to be used for verification on
/// several threads at once. The key is freed exactly once, when the last reference goes.
final class PublicKey: @unchecked Sendable {
    /// RSA moduli shorter than this are refused (NIST SP 800-131A: 2048 bits since 2014).
    static let minimumRSABits = 2048
    /// Longer moduli only cost verification time; no identity provider uses them.
    static let maximumRSABits = 8192

    let algorithm: JWTAlgorithm
    /// Modulus bits (RSA) or field bits (EC), as libcrypto reports them.
    let bits: Int
    private let key: OpaquePointer

    private init(algorithm: JWTAlgorithm, key: OpaquePointer) {
        self.algorithm = algorithm
        self.key = key
        bits = Int(EVP_PKEY_get_bits(key))
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// An RS256 key from the big-endian modulus and exponent of a JWK (`n`, `e`).
    static func rsa(modulus: [UInt8], exponent: [UInt8]) throws(AuthConfigurationError) -> PublicKey {
        let n = Array(modulus.drop { $0 == 0 })
        let e = Array(exponent.drop { $0 == 0 })
        // Checked before libcrypto sees the numbers, so that a huge modulus costs nothing.
        guard n.count * 8 <= maximumRSABits else {
            throw AuthConfigurationError("the RSA modulus is longer than \(maximumRSABits) bits")
        }
        guard !e.isEmpty, e.count <= 8 else { throw AuthConfigurationError("the RSA exponent is not usable") }
        let key = try build(type: ias_key_type_rsa()) { builder, keep in
            guard let bigN = n.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32(n.count), nil) }) else { return false }
            keep.append(bigN)
            guard let bigE = e.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32(e.count), nil) }) else { return false }
            keep.append(bigE)
            return OSSL_PARAM_BLD_push_BN(builder, ias_param_rsa_n(), bigN) == 1
                && OSSL_PARAM_BLD_push_BN(builder, ias_param_rsa_e(), bigE) == 1
        }
        let publicKey = PublicKey(algorithm: .rs256, key: key)
        guard publicKey.bits >= minimumRSABits else {
            throw AuthConfigurationError("the RSA modulus has \(publicKey.bits) bits; at least \(minimumRSABits) are required")
        }
        return publicKey
    }

    /// An ES256 key from the coordinates of a P-256 point (`x`, `y`, 32 bytes each).
    static func p256(x: [UInt8], y: [UInt8]) throws(AuthConfigurationError) -> PublicKey {
        guard x.count == ECDSASignature.componentLength, y.count == ECDSASignature.componentLength else {
            throw AuthConfigurationError("a P-256 coordinate must be \(ECDSASignature.componentLength) bytes long")
        }
        // SEC 1 §2.3.3: the uncompressed point is 0x04 || x || y.
        let point: [UInt8] = [0x04] + x + y
        // OSSL_PARAM_BLD keeps the pointer to the point until the parameters are built, which
        // happens within this closure.
        let built = point.withUnsafeBufferPointer { pointBuffer in
            Result { () throws(AuthConfigurationError) -> OpaquePointer in
                try build(type: ias_key_type_ec()) { builder, _ in
                    OSSL_PARAM_BLD_push_utf8_string(builder, ias_param_group_name(), ias_group_p256(), 0) == 1
                        && OSSL_PARAM_BLD_push_octet_string(builder, ias_param_public_key(), pointBuffer.baseAddress, point.count) == 1
                }
            }
        }
        return PublicKey(algorithm: .es256, key: try built.get())
    }

    /// Builds a public key with `EVP_PKEY_fromdata` from the parameters `push` adds, then has
    /// libcrypto check it (RSA: odd modulus and exponent, composite modulus; EC: the point lies
    /// on the curve and is not the point at infinity). `push` may hand over BIGNUMs to `keep`:
    /// they must live until the parameters are built and are freed here.
    private static func build(
        type: UnsafePointer<CChar>, push: (OpaquePointer, inout [OpaquePointer]) -> Bool
    ) throws(AuthConfigurationError) -> OpaquePointer {
        defer { ERR_clear_error() }
        guard let builder = OSSL_PARAM_BLD_new() else { throw AuthConfigurationError("libcrypto could not allocate memory") }
        var numbers: [OpaquePointer] = []
        defer {
            OSSL_PARAM_BLD_free(builder)
            for number in numbers { BN_free(number) }
        }
        guard push(builder, &numbers), let parameters = OSSL_PARAM_BLD_to_param(builder) else {
            throw AuthConfigurationError("libcrypto refused the key's numbers")
        }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw AuthConfigurationError("libcrypto has no \(String(cString: type)) keys")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, ias_selection_public_key(), parameters) == 1, let key else {
            throw AuthConfigurationError("the numbers are not a valid public key (libcrypto cannot build one from them)")
        }
        guard let checker = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            EVP_PKEY_free(key)
            throw AuthConfigurationError("libcrypto could not allocate memory")
        }
        defer { EVP_PKEY_CTX_free(checker) }
        guard EVP_PKEY_public_check(checker) == 1 else {
            EVP_PKEY_free(key)
            throw AuthConfigurationError("the numbers are not a valid public key")
        }
        return key
    }

    /// True when `signature` is this key's signature (its algorithm, SHA-256) of `message`.
    func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        let encoded: [UInt8]
        switch algorithm {
        case .rs256:
            // PKCS #1 v1.5: exactly the modulus length (RFC 7518 §3.3).
            guard signature.count == Int(EVP_PKEY_get_size(key)) else { return false }
            encoded = signature
        case .es256:
            guard let der = ECDSASignature.der(fromJOSE: signature) else { return false }
            encoded = der
        case .hs256:
            return false
        }
        guard !message.isEmpty, let context = EVP_MD_CTX_new() else { return false }
        // A failed verification leaves entries in this thread's libcrypto error queue, where
        // other users of libcrypto on the thread (libpq's TLS) could mistake them for theirs.
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return encoded.withUnsafeBufferPointer { signatureBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count,
                                 messageBuffer.baseAddress, messageBuffer.count) == 1
            }
        }
    }
}

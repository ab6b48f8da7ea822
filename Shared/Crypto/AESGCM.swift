import Foundation
internal import COpenSSL

/// AES-256-GCM through libcrypto's EVP interface: 12-byte nonces, 16-byte tags, additional
/// authenticated data (AAD) that is checked but not encrypted.
///
/// The plaintext is read where it lies (`ContiguousBytes`: an array, a slice of one, `Data`, a
/// buffer), so a chunk of a large document is sealed without being copied first.
public enum AESGCM {
    public static let nonceLength = 12
    public static let tagLength = 16

    /// libcrypto takes lengths as C ints: longer input is fed in pieces of this size.
    private static let maximumUpdateLength = 1 << 30

    /// Seals `plaintext` under `key`, authenticating `aad` with it.
    ///
    /// Leave `nonce` nil: a fresh random nonce is drawn. A nonce used twice with one key gives
    /// away both plaintexts' XOR and the key's authentication secret; a given nonce exists for
    /// known-answer tests.
    public static func seal(
        _ plaintext: some ContiguousBytes, key: SymmetricKey, nonce: [UInt8]? = nil, aad: [UInt8] = []
    ) throws -> SealedBox {
        if let nonce, nonce.count != nonceLength { throw CryptoError.invalidNonceLength(nonce.count) }
        return try plaintext.withUnsafeBytes { input in
            let bodyEnd = nonceLength + input.count
            var serialized = [UInt8](repeating: 0, count: bodyEnd + tagLength)
            try serialized.withUnsafeMutableBytes { output in
                let nonceBytes = UnsafeMutableRawBufferPointer(rebasing: output[..<nonceLength])
                if let nonce { nonceBytes.copyBytes(from: nonce) } else { SecureRandom.fill(nonceBytes) }
                try withContext { context in
                    try start(context, encrypting: true, key: key, nonce: UnsafeRawBufferPointer(nonceBytes))
                    try update(context, encrypting: true, aad: aad)
                    try update(context, encrypting: true, input: input,
                               output: UnsafeMutableRawBufferPointer(rebasing: output[nonceLength..<bodyEnd]))
                    var scratch = [UInt8](repeating: 0, count: 16)
                    var written: Int32 = 0
                    try check(EVP_EncryptFinal_ex(context, &scratch, &written), "EVP_EncryptFinal_ex")
                    try check(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(tagLength), output.baseAddress! + bodyEnd),
                              "EVP_CIPHER_CTX_ctrl(GET_TAG)")
                }
            }
            return SealedBox(unchecked: serialized)
        }
    }

    /// The plaintext of `box`, or `CryptoError.authenticationFailed` when the box, the key or
    /// `aad` is not what was sealed. On failure the decrypted bytes are wiped, never returned.
    public static func open(_ box: SealedBox, key: SymmetricKey, aad: [UInt8] = []) throws -> [UInt8] {
        var tag = Array(box.tag)  // libcrypto takes the expected tag through a mutable pointer
        var plaintext = [UInt8](repeating: 0, count: box.serialized.count - SealedBox.overhead)
        let authentic: Bool = try box.serialized.withUnsafeBytes { sealed in
            try plaintext.withUnsafeMutableBytes { output in
                try withContext { context -> Bool in
                    try start(context, encrypting: false, key: key, nonce: UnsafeRawBufferPointer(rebasing: sealed[..<nonceLength]))
                    try update(context, encrypting: false, aad: aad)
                    try update(context, encrypting: false,
                               input: UnsafeRawBufferPointer(rebasing: sealed[nonceLength..<(sealed.count - tagLength)]), output: output)
                    try check(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tagLength), &tag), "EVP_CIPHER_CTX_ctrl(SET_TAG)")
                    var scratch = [UInt8](repeating: 0, count: 16)
                    var written: Int32 = 0
                    guard EVP_DecryptFinal_ex(context, &scratch, &written) == 1 else {
                        // A tag mismatch leaves nothing in the error queue worth reporting.
                        ERR_clear_error()
                        LibCrypto.cleanse(output)
                        return false
                    }
                    return true
                }
            }
        }
        guard authentic else { throw CryptoError.authenticationFailed }
        return plaintext
    }

    /// One cipher context per operation; freeing it also wipes its key schedule.
    private static func withContext<Result>(_ body: (OpaquePointer) throws -> Result) throws -> Result {
        guard let context = EVP_CIPHER_CTX_new() else {
            throw CryptoError.libcrypto(operation: "EVP_CIPHER_CTX_new", reason: LibCrypto.takeError())
        }
        defer { EVP_CIPHER_CTX_free(context) }
        return try body(context)
    }

    private static func start(_ context: OpaquePointer, encrypting: Bool, key: SymmetricKey, nonce: UnsafeRawBufferPointer) throws {
        let initialise = encrypting ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        try check(initialise(context, EVP_aes_256_gcm(), nil, nil, nil), "EVP_CipherInit_ex(aes-256-gcm)")
        // 12 bytes is GCM's default nonce length already; set so that nothing depends on it.
        try check(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_IVLEN, Int32(nonceLength), nil), "EVP_CIPHER_CTX_ctrl(SET_IVLEN)")
        try key.withUnsafeBytes { keyBytes in
            try check(initialise(context, nil, nil, keyBytes.bytePointer, nonce.bytePointer), "EVP_CipherInit_ex(key, nonce)")
        }
    }

    private static func update(_ context: OpaquePointer, encrypting: Bool, aad: [UInt8]) throws {
        try aad.withUnsafeBytes { try update(context, encrypting: encrypting, input: $0, output: nil) }
    }

    /// Feeds `input` through the cipher into `output` (of the same length), or as AAD when
    /// `output` is nil.
    private static func update(
        _ context: OpaquePointer, encrypting: Bool, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer?
    ) throws {
        let transform = encrypting ? EVP_EncryptUpdate : EVP_DecryptUpdate
        var offset = 0
        while offset < input.count {
            let length = min(input.count - offset, maximumUpdateLength)
            var written: Int32 = 0
            try check(transform(context, output?.bytePointer.map { $0 + offset }, &written, input.bytePointer! + offset, Int32(length)),
                      encrypting ? "EVP_EncryptUpdate" : "EVP_DecryptUpdate")
            // GCM is a stream mode: every byte in comes out at once, none is held back.
            guard Int(written) == length else {
                throw CryptoError.libcrypto(operation: "EVP_CipherUpdate", reason: "\(written) bytes out for \(length) in")
            }
            offset += length
        }
    }

    private static func check(_ result: Int32, _ operation: String) throws {
        guard result == 1 else { throw CryptoError.libcrypto(operation: operation, reason: LibCrypto.takeError()) }
    }
}

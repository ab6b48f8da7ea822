/// One key of an identity provider's JWK Set that tokens may be signed with: its key id, the
/// algorithm it verifies (from its type, never from a token) and the key itself.
public struct VerificationKey: Sendable, CustomStringConvertible {
    /// The JWK's `kid`, when it has one.
    public let keyId: String?
    public let algorithm: JWTAlgorithm
    /// Modulus bits (RSA) or field bits (P-256).
    public var bits: Int { publicKey.bits }
    let publicKey: PublicKey

    init(keyId: String?, publicKey: PublicKey) {
        self.keyId = keyId
        self.algorithm = publicKey.algorithm
        self.publicKey = publicKey
    }

    func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        publicKey.verify(signature: signature, message: message)
    }

    public var description: String {
        "\(keyId.map { "\"\($0)\"" } ?? "(no kid)") \(algorithm) \(bits) bits"
    }
}

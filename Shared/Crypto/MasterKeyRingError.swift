/// Why master keys from the configuration cannot be used. The messages name the variable (or
/// file) and the entry, never any key material, and say how to make a key.
public enum MasterKeyRingError: Error, Equatable, Sendable, CustomStringConvertible {
    case neitherSet(MasterKeyVariables)
    case bothSet(MasterKeyVariables)
    case unreadableFile(variable: String, path: String, reason: String)
    /// `source` names where the text came from, e.g. `IAS_DOCUMENT_MASTER_KEYS`.
    case empty(source: String)
    case malformedEntry(source: String, position: Int)
    case invalidKeyId(source: String, position: Int, id: String)
    case duplicateKeyId(source: String, id: String)
    case invalidBase64(source: String, id: String)
    case wrongKeyLength(source: String, id: String, length: Int)

    static let howToGenerate = "generate one with `openssl rand -base64 32`"

    public var description: String {
        switch self {
        case .neitherSet(let variables):
            let inline = variables.inline, file = variables.file
            return "neither \(inline) nor \(file) is set: \(variables.protects) under master keys. Set \(inline) to id:base64key "
                + "(\(Self.howToGenerate), e.g. \(inline)=\"k1:$(openssl rand -base64 32)\"), or \(file) to a file holding such "
                + "entries (a mounted secret)"
        case .bothSet(let variables):
            return "\(variables.inline) and \(variables.file) are both set: set exactly one, so that there is no doubt which master keys are in use"
        case .unreadableFile(let file, let path, let reason):
            return "\(file)=\(path) cannot be read: \(reason)"
        case .empty(let source):
            return "\(source) holds no master key: give entries id:base64key separated by commas or newlines, the first one "
                + "wraps new keys; \(Self.howToGenerate)"
        case .malformedEntry(let source, let position):
            return "entry \(position) of \(source) is not of the form id:base64key"
        case .invalidKeyId(let source, let position, let id):
            // Not the id itself: an entry written the wrong way round (key:id) would print the key.
            return "entry \(position) of \(source) has a key id of \(id.count) characters that is not a plain name; expected "
                + "1...\(MasterKeyRing.maximumKeyIdLength) characters of A-Z, a-z, 0-9, '.', '_', '-' before the colon (id:base64key)"
        case .duplicateKeyId(let source, let id):
            return "\(source) lists master key id \"\(id)\" twice"
        case .invalidBase64(let source, let id):
            return "the master key \"\(id)\" in \(source) is not valid base64; \(Self.howToGenerate)"
        case .wrongKeyLength(let source, let id, let length):
            return "the master key \"\(id)\" in \(source) is \(length) bytes after base64 decoding; AES-256 needs exactly "
                + "\(SymmetricKey.byteCount): \(Self.howToGenerate)"
        }
    }
}

import Foundation
import IASRuntime

/// The master keys that wrap case keys, by id. The first is the active key: it wraps every new
/// case key. All of them unwrap, so that after a rotation (a new key listed first) keys
/// wrapped under the old ones still open until they are re-wrapped and the old key removed.
///
/// Text form (`IAS_DOCUMENT_MASTER_KEYS`, or the file `IAS_DOCUMENT_MASTER_KEYS_FILE` names):
/// entries `id:base64key` separated by commas or newlines; ids are plain names
/// ([A-Za-z0-9._-]{1,64}), keys exactly 32 bytes after base64 decoding.
///
/// There is deliberately no development key in the repository: a published key protects
/// nothing, and a constant that works everywhere ends up in production. The local scripts of
/// the service that reads the ring are to generate one on first start (`openssl rand -base64
/// 32`, kept in the ignored `.local/`); so there is no well-known key for production to refuse
/// and no `isDevelopmentKey` check to forget.
public struct MasterKeyRing: Sendable, CustomStringConvertible, CustomReflectable {
    public static let maximumKeyIdLength = 64

    /// The ids in their configured order; the first is the active one.
    public let keyIds: [String]
    private let keys: [String: SymmetricKey]

    /// `keys` in order; the first wraps new keys.
    public init(keys: [(id: String, key: SymmetricKey)]) throws {
        try self.init(keys: keys, source: "the master key ring")
    }

    private init(keys entries: [(id: String, key: SymmetricKey)], source: String) throws {
        guard !entries.isEmpty else { throw MasterKeyRingError.empty(source: source) }
        var keys: [String: SymmetricKey] = [:]
        for (index, entry) in entries.enumerated() {
            guard PlainName.isValid(entry.id, maxLength: Self.maximumKeyIdLength) else {
                throw MasterKeyRingError.invalidKeyId(source: source, position: index + 1, id: entry.id)
            }
            guard keys[entry.id] == nil else { throw MasterKeyRingError.duplicateKeyId(source: source, id: entry.id) }
            keys[entry.id] = entry.key
        }
        self.keyIds = entries.map(\.id)
        self.keys = keys
    }

    /// The id of the key that wraps new case keys.
    public var activeKeyId: String { keyIds[0] }
    public var activeKey: SymmetricKey { keys[activeKeyId]! }

    public func key(id: String) -> SymmetricKey? { keys[id] }

    /// Reads the text form. `source` names where the text came from in error messages.
    public static func parse(_ text: String, source: String = inlineVariable) throws -> MasterKeyRing {
        let entries = text.split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var keys: [(id: String, key: SymmetricKey)] = []
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            let position = index + 1
            guard let colon = entry.firstIndex(of: ":") else {
                throw MasterKeyRingError.malformedEntry(source: source, position: position)
            }
            let id = entry[..<colon].trimmingCharacters(in: .whitespaces)
            guard PlainName.isValid(id, maxLength: maximumKeyIdLength) else {
                throw MasterKeyRingError.invalidKeyId(source: source, position: position, id: id)
            }
            guard seen.insert(id).inserted else { throw MasterKeyRingError.duplicateKeyId(source: source, id: id) }
            guard var bytes = Data(base64Encoded: entry[entry.index(after: colon)...].trimmingCharacters(in: .whitespaces)) else {
                throw MasterKeyRingError.invalidBase64(source: source, id: id)
            }
            defer { bytes.withUnsafeMutableBytes { LibCrypto.cleanse($0) } }
            guard bytes.count == SymmetricKey.byteCount else {
                throw MasterKeyRingError.wrongKeyLength(source: source, id: id, length: bytes.count)
            }
            keys.append((id, try SymmetricKey(bytes: bytes)))
        }
        return try MasterKeyRing(keys: keys, source: source)
    }

    public var description: String { "MasterKeyRing(active: \(activeKeyId), keys: \(keyIds.joined(separator: ", ")))" }
    public var customMirror: Mirror { Mirror(self, children: ["keyIds": keyIds], displayStyle: .struct) }
}

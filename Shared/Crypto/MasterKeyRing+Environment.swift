import Foundation
import IASRuntime

/// Master keys from the environment: `IAS_DOCUMENT_MASTER_KEYS` holds the entries inline,
/// `IAS_DOCUMENT_MASTER_KEYS_FILE` names a file that does (a mounted Kubernetes secret);
/// exactly one is set.
///
/// The service that stores documents reads the two keys with its own `ConfigurationReader`
/// and hands their values here:
///
///     let ring = MasterKeyRing.load(
///         inline: reader.string("IAS_DOCUMENT_MASTER_KEYS", default: ""),
///         file: reader.string("IAS_DOCUMENT_MASTER_KEYS_FILE", default: ""), reportingTo: reader)
///
/// The reads are the service's, not this module's, because deploy/checks (config_keys.py)
/// gives every key read under Shared/ to every service, and only the service that stores
/// documents may hold master keys.
extension MasterKeyRing {
    public static let inlineVariable = "IAS_DOCUMENT_MASTER_KEYS"
    public static let fileVariable = "IAS_DOCUMENT_MASTER_KEYS_FILE"
    /// A secret file is a few lines; anything larger is the wrong file.
    static let maximumFileLength = 64 * 1024

    /// The ring from the values of the two variables ("" when unset).
    public static func load(inline: String, file: String) throws -> MasterKeyRing {
        switch (inline.isEmpty, file.isEmpty) {
        case (true, true): throw MasterKeyRingError.neitherSet
        case (false, false): throw MasterKeyRingError.bothSet
        case (false, true): return try parse(inline, source: inlineVariable)
        case (true, false): return try parse(try read(file), source: "\(fileVariable) (\(file))")
        }
    }

    /// As `load(inline:file:)`, reporting a problem to `reader` (with the service's other
    /// configuration problems) instead of throwing; nil then.
    public static func load(inline: String, file: String, reportingTo reader: ConfigurationReader) -> MasterKeyRing? {
        do { return try load(inline: inline, file: file) } catch {
            reader.report(String(describing: error))
            return nil
        }
    }

    private static func read(_ path: String) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw MasterKeyRingError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        guard data.count <= maximumFileLength else {
            throw MasterKeyRingError.unreadableFile(path: path, reason: "\(data.count) bytes is more than a file of master keys holds (at most \(maximumFileLength))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MasterKeyRingError.unreadableFile(path: path, reason: "not UTF-8 text")
        }
        return text
    }
}

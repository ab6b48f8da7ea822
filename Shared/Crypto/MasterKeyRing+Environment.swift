import Foundation
import IASRuntime

/// Master keys from the environment: `IAS_DOCUMENT_MASTER_KEYS` holds the entries inline,
/// `IAS_DOCUMENT_MASTER_KEYS_FILE` names a file that does (a mounted Kubernetes secret);
/// exactly one is set. The ring of the case keys of events (`IAS_CASE_KEY_MASTER_KEYS`, read by
/// every service) follows the same rules under its own pair of names (`MasterKeyVariables`).
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
    public static func load(inline: String, file: String, variables: MasterKeyVariables = .documents) throws -> MasterKeyRing {
        switch (inline.isEmpty, file.isEmpty) {
        case (true, true): throw MasterKeyRingError.neitherSet(variables)
        case (false, false): throw MasterKeyRingError.bothSet(variables)
        case (false, true): return try parse(inline, source: variables.inline)
        case (true, false): return try parse(try read(file, variables), source: "\(variables.file) (\(file))")
        }
    }

    /// As `load(inline:file:)`, reporting a problem to `reader` (with the service's other
    /// configuration problems) instead of throwing; nil then.
    public static func load(inline: String, file: String, variables: MasterKeyVariables = .documents,
                            reportingTo reader: ConfigurationReader) -> MasterKeyRing? {
        do { return try load(inline: inline, file: file, variables: variables) } catch {
            reader.report(String(describing: error))
            return nil
        }
    }

    private static func read(_ path: String, _ variables: MasterKeyVariables) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw MasterKeyRingError.unreadableFile(variable: variables.file, path: path, reason: error.localizedDescription)
        }
        guard data.count <= maximumFileLength else {
            throw MasterKeyRingError.unreadableFile(variable: variables.file, path: path, reason: "\(data.count) bytes is more than a file of master keys holds (at most \(maximumFileLength))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MasterKeyRingError.unreadableFile(variable: variables.file, path: path, reason: "not UTF-8 text")
        }
        return text
    }
}

/// The pair of variables a master key ring is read from, and what its keys protect (for the
/// message when neither is set).
public struct MasterKeyVariables: Sendable, Equatable {
    public let inline: String
    public let file: String
    public let protects: String

    public init(inline: String, file: String, protects: String) {
        self.inline = inline; self.file = file; self.protects = protects
    }

    /// Coordination's ring: the case keys of documents.
    public static let documents = MasterKeyVariables(inline: MasterKeyRing.inlineVariable, file: MasterKeyRing.fileVariable,
                                                     protects: "documents are encrypted")
    /// Every service's ring: the case keys that seal the personal data of events.
    public static let caseKeys = MasterKeyVariables(inline: "IAS_CASE_KEY_MASTER_KEYS", file: "IAS_CASE_KEY_MASTER_KEYS_FILE",
                                                    protects: "the personal data in events is sealed")
}

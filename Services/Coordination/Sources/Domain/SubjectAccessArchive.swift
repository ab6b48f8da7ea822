import Foundation
import IASCrypto
import IASHTTP
import IASRuntime

/// The archive of a person's access request: a ZIP of stored entries with `manifest.json`
/// (who, what, when, and for every file its service, size, SHA-256 and record count; what is
/// not included and why), `README.txt` for the person, and the files themselves. The size is
/// checked as files are added, so that an export past the limit is refused before it has
/// decrypted every document.
struct SubjectAccessArchive {
    struct Manifest: Encodable {
        let format = "ias-subject-access/1"
        let personId: Identifier
        let caseIds: [Identifier]
        let createdAt: Date
        let createdBy: Requester
        let requestId: String
        /// Every service answered: an export with a part missing is refused, never written.
        let complete = true
        var files: [File] = []
        var notIncluded: [Omission] = []
    }

    struct Requester: Encodable {
        let subject: String
        let organisation: String
        let roles: [String]
    }

    struct File: Encodable {
        let path: String
        /// The service that holds what the file contains.
        let service: String
        let bytes: Int
        let sha256: String
        /// Rows, accesses, or 1 for a document's content.
        let records: Int
        /// Rows by table, for a service's part.
        var tables: [String: Int]?
        var document: DocumentEntry?
    }

    struct DocumentEntry: Encodable {
        let caseId: Identifier
        let documentId: Identifier
        let version: Int
        let title: String
        let category: String
        let contentType: String
        let fileName: String?
        let addedAt: Date
        let withdrawn: Bool
    }

    struct Omission: Encodable {
        let service: String
        let what: String
        let why: String
    }

    struct TooLarge: Error {
        let limit: Int
    }

    private var entries: [(path: String, content: [UInt8])] = []
    /// What the entries take in the ZIP: content, name twice, 76 bytes of headers.
    private var size = 22
    private(set) var manifest: Manifest
    let maxBytes: Int

    init(manifest: Manifest, maxBytes: Int) {
        self.manifest = manifest
        self.maxBytes = maxBytes
    }

    /// Adds a file and its line in the manifest; the manifest's own room (up to a kilobyte a
    /// file) is counted before it is written.
    mutating func add(_ path: String, _ content: [UInt8], service: String, records: Int,
                      tables: [String: Int]? = nil, document: DocumentEntry? = nil) throws {
        let grown = size + content.count + 2 * path.utf8.count + 76
        guard grown + 1024 * (manifest.files.count + 1) + 8192 <= maxBytes else { throw TooLarge(limit: maxBytes) }
        entries.append((path, content))
        size = grown
        manifest.files.append(File(path: path, service: service, bytes: content.count, sha256: SHA256Hasher.hexDigest(content),
                                   records: records, tables: tables, document: document))
    }

    mutating func omit(_ service: String, _ what: String, _ why: String) {
        manifest.notIncluded.append(Omission(service: service, what: what, why: why))
    }

    /// The ZIP: README.txt and manifest.json first, so that a listing starts with them.
    func finished() throws -> [UInt8] {
        var writer = ZIPWriter(modified: manifest.createdAt)
        try writer.add("README.txt", Array(Self.readme(manifest).utf8))
        try writer.add("manifest.json", try JSONCoding.encode(manifest))
        for entry in entries { try writer.add(entry.path, entry.content) }
        guard writer.size <= maxBytes else { throw TooLarge(limit: maxBytes) }
        return try writer.finished()
    }

    static func readme(_ manifest: Manifest) -> String {
        """
        Auskunft über Ihre Personendaten (Art. 25 DSG) / Access to your personal data (art. 25 FADP)

        Diese Sammlung enthält alles, was die Integrationsagenda-Plattform des Kantons am
        \(Timestamp.format(manifest.createdAt)) über Sie gespeichert hatte:
          services/<dienst>.json   die Daten jedes der fünf Dienste (Erfassung, Abklärung, Förderplan,
                                   Kosten, Koordination), Tabelle für Tabelle
          documents/               Ihre Dokumente, jede Fassung, entschlüsselt
          accesses.json            wer wann auf Ihre Daten zugegriffen hat (Organisation, Rolle, was, Ergebnis)
          manifest.json            das Verzeichnis: jede Datei mit Grösse und SHA-256-Prüfsumme,
                                   und was nicht enthalten ist und weshalb

        This archive holds everything the canton's Integration Agenda platform stored about you
        at the time above: each service's records (services/), your documents in every version
        (documents/), who accessed your data and when (accesses.json), and the list of files with
        their sizes and SHA-256 checksums, plus what is not included and why (manifest.json).

        Fragen / questions: the cantonal social service (KSD), quoting the request id \(manifest.requestId).

        """
    }
}

import Foundation
import IASCrypto
import IASHTTP
import IASRuntime

/// How coordination keeps documents: the master keys that wrap the case keys, the size of one
/// document, and how many uploads are read at once (each holds its document in memory).
///
/// `IAS_DOCUMENT_MASTER_KEYS` or `IAS_DOCUMENT_MASTER_KEYS_FILE` (see `MasterKeyRing`);
/// `IAS_DOCUMENT_MAX_BYTES` (20 MB); `IAS_DOCUMENT_UPLOAD_SLOTS` (4) uploads read at once, the
/// others wait up to `IAS_DOCUMENT_UPLOAD_WAIT_SECONDS` (10) and are then refused with 503 and
/// `Retry-After`; `IAS_DOCUMENT_UPLOAD_TIMEOUT_SECONDS` (120) for one upload to arrive;
/// `IAS_DOCUMENT_CHUNK_BYTES` (512 KiB): the unit content is sealed, stored and read in, so the
/// buffer a request holds beside its one document (each version keeps the size it was written with).
struct DocumentSettings: Sendable {
    let vault: DocumentVault
    let maxBytes: Int
    /// The body policy of both upload routes (one set of slots for the two): their own size
    /// limit, slots and read timeout. The multipart envelope of a browser form adds a little
    /// to the document itself; the document's own size is checked against `maxBytes`.
    let uploadPolicy: BodyPolicy

    init(ring: MasterKeyRing, maxBytes: Int = 20_000_000, uploadSlots: Int = 4, uploadWaitSeconds: Double = 10,
         uploadTimeoutSeconds: Double = 120, chunkSize: Int = 512 * 1024) {
        vault = DocumentVault(ring: ring, chunkSize: chunkSize)
        self.maxBytes = maxBytes
        uploadPolicy = BodyPolicy(maxBytes: maxBytes + 64 * 1024,
                                  slots: UploadSlots(name: "document-upload", capacity: uploadSlots, maxWait: uploadWaitSeconds),
                                  bodyTimeout: uploadTimeoutSeconds)
    }

    /// nil when the keys are missing or unusable; the reader then reports why, with the
    /// service's other configuration problems.
    static func read(from reader: ConfigurationReader) -> DocumentSettings? {
        let maxBytes = reader.int("IAS_DOCUMENT_MAX_BYTES", default: 20_000_000, range: 1024...(256 << 20))
        let slots = reader.int("IAS_DOCUMENT_UPLOAD_SLOTS", default: 4, range: 1...64)
        let wait = reader.double("IAS_DOCUMENT_UPLOAD_WAIT_SECONDS", default: 10, range: 0...120)
        let timeout = reader.double("IAS_DOCUMENT_UPLOAD_TIMEOUT_SECONDS", default: 120, range: 1...3600)
        let chunk = reader.int("IAS_DOCUMENT_CHUNK_BYTES", default: 512 * 1024, range: (64 * 1024)...(8 << 20))
        guard let ring = MasterKeyRing.load(inline: reader.string("IAS_DOCUMENT_MASTER_KEYS", default: ""),
                                            file: reader.string("IAS_DOCUMENT_MASTER_KEYS_FILE", default: ""), reportingTo: reader) else {
            return nil
        }
        return DocumentSettings(ring: ring, maxBytes: maxBytes, uploadSlots: slots, uploadWaitSeconds: wait, uploadTimeoutSeconds: timeout,
                                chunkSize: chunk)
    }
}

/// The formats a case document may have, recognised by their content rather than by what a
/// client declares: a file called "report.pdf" sent as application/pdf may be anything.
///
/// Images and PDF are known by their magic bytes. Office documents are ZIP packages, and a ZIP
/// file is anything its central directory says, so they are only recognised by a check of the
/// package structure (`ZIPDirectory`): OpenDocument by its first entry, an uncompressed
/// `mimetype` holding the declared OpenDocument media type (ODF 1.2 Part 3 §3.3); Office Open
/// XML by a central directory, reached through the end-of-central-directory record, that lists
/// `[Content_Types].xml` and the main part of a word-processing document, spreadsheet or
/// presentation. A package with macros (`vbaProject.bin`) is none of them.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case pdf, png, jpeg, tiff
    case docx, xlsx, pptx
    case odt, ods, odp

    /// The canonical media type, for Content-Type when the document is served.
    public var mediaType: String {
        switch self {
        case .pdf: return "application/pdf"
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .tiff: return "image/tiff"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .odt: return "application/vnd.oasis.opendocument.text"
        case .ods: return "application/vnd.oasis.opendocument.spreadsheet"
        case .odp: return "application/vnd.oasis.opendocument.presentation"
        }
    }

    /// The usual extension, without the dot.
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }

    /// Other names clients use for the same format.
    private var aliases: [String] {
        switch self {
        case .pdf: return ["application/x-pdf"]
        case .png: return ["image/x-png"]
        case .jpeg: return ["image/jpg", "image/pjpeg"]
        default: return []
        }
    }

    /// True when `declared` (a Content-Type, parameters and case ignored) names this format:
    /// "application/pdf; name=x.pdf" and "Application/PDF" name PDF. Generic types such as
    /// application/octet-stream name no format; what to do with them is the caller's choice.
    public func matches(declared: String) -> Bool {
        guard let declared = MediaType(declared) else { return false }
        return declared.essence == mediaType || aliases.contains(declared.essence)
    }

    /// The format whose canonical media type or alias `declared` names, if any.
    public static func named(by declared: String) -> DocumentFormat? {
        allCases.first { $0.matches(declared: declared) }
    }

    // MARK: Detection

    /// The format of `bytes`, or nil when they are none of the formats known here.
    public static func detect(_ bytes: [UInt8]) -> DocumentFormat? {
        bytes.withUnsafeBufferPointer { detect($0) }
    }

    /// For a part of a larger buffer, such as a file within a multipart body.
    public static func detect(_ bytes: ArraySlice<UInt8>) -> DocumentFormat? {
        bytes.withUnsafeBufferPointer { detect($0) }
    }

    public static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> DocumentFormat? {
        func starts(with signature: [UInt8]) -> Bool {
            bytes.count >= signature.count && zip(bytes, signature).allSatisfy { $0 == $1 }
        }
        if starts(with: Array("%PDF-".utf8)) { return .pdf }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) { return detectPackage(bytes) }
        return nil
    }

    private static let openDocumentTypes: [String: DocumentFormat] = [
        "application/vnd.oasis.opendocument.text": .odt,
        "application/vnd.oasis.opendocument.spreadsheet": .ods,
        "application/vnd.oasis.opendocument.presentation": .odp,
    ]

    private static let officeMainParts: [String: DocumentFormat] = [
        "word/document.xml": .docx,
        "xl/workbook.xml": .xlsx,
        "ppt/presentation.xml": .pptx,
    ]

    /// A ZIP package that is an OpenDocument or Office Open XML document, checked through its
    /// central directory; nil for any other ZIP file, and for one whose structure is broken.
    private static func detectPackage(_ bytes: UnsafeBufferPointer<UInt8>) -> DocumentFormat? {
        guard let directory = ZIPDirectory(bytes) else { return nil }
        let names = Set(directory.entries.map(\.name))
        // Macros make a document something else (docm, xlsm), whatever its main part. Part names
        // are case-insensitive in a package (OPC); OpenDocument keeps macros under Basic/ and Scripts/.
        let lowered = names.map { $0.lowercased() }
        if lowered.contains(where: { $0.hasSuffix("vbaproject.bin") || $0.hasPrefix("basic/") || $0.hasPrefix("scripts/") }) { return nil }
        if let first = directory.entries.first, first.name == "mimetype", first.offset == 0,
           let declared = directory.storedContent(of: first), let format = openDocumentTypes[String(decoding: declared, as: UTF8.self)] {
            return names.contains("content.xml") && names.contains("META-INF/manifest.xml") ? format : nil
        }
        guard names.contains("[Content_Types].xml") else { return nil }
        let formats = Set(officeMainParts.compactMap { names.contains($0.key) ? $0.value : nil })
        return formats.count == 1 ? formats.first : nil
    }
}

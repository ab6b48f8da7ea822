import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// The record a document backs: a measure, cost approval, consent, the agreement (by the
/// plan's id) or a final report.
struct DocumentLink: Codable, Sendable, Equatable {
    let kind: DocumentLinkKind
    let id: Identifier
}

/// What describes a document besides its bytes, as the uploader gives it.
struct DocumentMetadata: Sendable, Equatable {
    let category: DocumentCategory
    let certificateKind: CertificateKind?
    let title: String
    let issuedOn: CalendarDate?
    let link: DocumentLink?
}

/// The rules of a document's description (pure, unit-tested). `fields` holds the values by
/// their field names (`category`, `certificateKind`, `title`, `issuedOn`, `linkKind`,
/// `linkId`); `label` names a field in an error as the caller sent it (a form field or a
/// header).
enum DocumentRules {
    static let fieldNames = ["category", "certificateKind", "title", "issuedOn", "linkKind", "linkId"]
    static let maximumTitleLength = 200

    static func metadata(_ fields: [String: String], today: CalendarDate,
                         label: (String) -> String = { $0 }) -> (DocumentMetadata?, [FieldError]) {
        var errors = FieldErrors()
        func fail(_ field: String, _ message: String) { errors.add(label(field), message) }
        func choice<E: RawRepresentable & CaseIterable>(_ field: String, _ type: E.Type) -> E? where E.RawValue == String {
            Self.choice(fields[field], field: label(field), &errors)
        }

        let category = choice("category", DocumentCategory.self)
        if fields["category", default: ""].isEmpty { fail("category", "is required") }
        let certificateKind = choice("certificateKind", CertificateKind.self)
        if category == .certificate && certificateKind == nil && fields["certificateKind", default: ""].isEmpty {
            fail("certificateKind", "is required for a certificate: language, school or vocational")
        }
        if let category, category != .certificate, certificateKind != nil {
            fail("certificateKind", "is given only for a certificate, not for \(category.rawValue)")
        }

        let title = (fields["title"] ?? "").trimmingCharacters(in: .whitespaces)
        if title.isEmpty {
            fail("title", "is required")
        } else if title.count > maximumTitleLength {
            fail("title", "must be at most \(maximumTitleLength) characters")
        } else if title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            fail("title", "must not contain control characters")
        }

        var issuedOn: CalendarDate?
        if let text = fields["issuedOn"], !text.isEmpty {
            if let date = CalendarDate(text) {
                if date > today { fail("issuedOn", "must not be in the future") } else { issuedOn = date }
            } else {
                fail("issuedOn", "must be a date (YYYY-MM-DD)")
            }
        }

        let linkKind = choice("linkKind", DocumentLinkKind.self)
        var link: DocumentLink?
        switch (fields["linkKind"].flatMap { $0.isEmpty ? nil : $0 }, fields["linkId"].flatMap { $0.isEmpty ? nil : $0 }) {
        case (nil, nil):
            break
        case (_?, nil):
            fail("linkId", "is required with linkKind: the id of the record the document backs")
        case (nil, _?):
            fail("linkKind", "is required with linkId: \(DocumentLinkKind.allCases.map(\.rawValue).joined(separator: ", "))")
        case (_?, let idText?):
            if let id = Identifier(idText) {
                if let linkKind { link = DocumentLink(kind: linkKind, id: id) }
            } else {
                fail("linkId", "must be an id")
            }
        }

        guard errors.list.isEmpty, let category else { return (nil, errors.list) }
        return (DocumentMetadata(category: category, certificateKind: certificateKind, title: title, issuedOn: issuedOn, link: link), [])
    }

    /// The value of a field that names one of `E`'s cases; nil (and an error naming the
    /// choices) for any other text, nil for none.
    static func choice<E: RawRepresentable & CaseIterable>(_ text: String?, field: String, _ errors: inout FieldErrors) -> E?
    where E.RawValue == String {
        guard let text, !text.isEmpty else { return nil }
        if let value = E(rawValue: text) { return value }
        errors.add(field, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// The filter of a list of documents (`?category=&linkKind=&linkId=`).
    static func filter(_ query: [String: String], after: Identifier?, limit: Int) -> (DocumentFilter, [FieldError]) {
        var errors = FieldErrors()
        let filter = DocumentFilter(category: choice(query["category"], field: "category", &errors),
                                    linkKind: choice(query["linkKind"], field: "linkKind", &errors),
                                    linkId: query["linkId"].flatMap(Identifier.init), after: after, limit: limit)
        errors.check(query["linkId"] == nil || filter.linkId != nil, "linkId", "must be an id")
        return (filter, errors.list)
    }
}

import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// Uploading a document to a case and reading one. The file goes to coordination as it came,
/// with its description in the `IAS-Document-*` headers; coordination checks its format,
/// encrypts it and keeps it. Downloads pass through unchanged and are never cached.
enum DocumentPages {
    static let fields = ["category", "certificateKind", "title", "issuedOn"]

    static func register(on portal: Portal) {
        let slots = UploadSlots(name: "portal-uploads", capacity: 4, maxWait: 5, retryAfterSeconds: 5)
        let policy = BodyPolicy(maxBytes: portal.settings.maxUploadBytes + 65_536, slots: slots, bodyTimeout: 120) { [unowned portal] headers in
            // Only a signed-in browser may hold an upload slot while its body arrives.
            guard let id = Cookies.value(Cookies.session, in: headers), portal.sessions.resume(id) != nil else {
                return Problem.unauthorized("sign in first")
            }
            return nil
        }
        portal.page("GET", "/cases/{caseId}/documents/new") { context in
            let caseId = try context.caseIdParameter()
            let dossier = try context.get(.coordination, "/cases/\(caseId)/dossier")
            return render(context, caseId: caseId, dossier: dossier, errors: [:], general: nil, status: 200)
        }
        portal.page("POST", "/cases/{caseId}/documents/new", body: policy) { context in
            let caseId = try context.caseIdParameter()
            let t = context.translator
            var errors: [String: HTML] = [:]
            let file = context.form.files["file"]
            if file == nil || file?.bytes.isEmpty == true { errors["file"] = "\(t("invalid.file"))" }
            let category = context.form.text("category")
            if category.flatMap(DocumentCategory.init(rawValue:)) == nil { errors["category"] = "\(t("invalid.choice"))" }
            if context.form.text("title") == nil { errors["title"] = "\(t("invalid.required"))" }
            var issuedOn: String?
            if let typed = context.form.text("issuedOn") {
                if let iso = SwissFormat.isoDate(fromInput: typed) { issuedOn = iso } else { errors["issuedOn"] = "\(t("invalid.date"))" }
            }
            guard errors.isEmpty, let file, let category else {
                return render(context, caseId: caseId, dossier: try context.get(.coordination, "/cases/\(caseId)/dossier"),
                              errors: errors, general: nil, status: 422)
            }
            var headers: [(String, String)] = [
                ("Content-Type", file.contentType.isEmpty ? "application/octet-stream" : file.contentType),
                ("IAS-Document-Category", category),
                ("IAS-Document-Title", URLEncodedForm.escape(context.form.text("title") ?? "")),
                ("Content-Disposition", ContentDisposition.attachment(fileName: file.fileName)),
            ]
            if let kind = context.form.text("certificateKind") { headers.append(("IAS-Document-Certificate-Kind", kind)) }
            if let issuedOn { headers.append(("IAS-Document-Issued-On", issuedOn)) }
            if let key = context.form["_idem"], FormPage.isIdempotencyKey(key) { headers.append(("Idempotency-Key", key)) }
            do {
                let answer = try context.sendRaw(.coordination, "POST", "/cases/\(caseId)/documents", bytes: file.bytes, headers: headers)
                var location = "/cases/\(caseId)?done=document"
                if let event = answer.eventId, UUID(uuidString: event) != nil { location += "&event=\(event)" }
                return redirect(location + "#documents")
            } catch BackendError.refused(let problem) where [400, 409, 413, 415, 422].contains(problem.status) {
                var errors: [String: HTML] = [:]
                for error in problem.errors {
                    let field = fields.contains(error.field) ? error.field : "file"
                    errors[field] = ProblemText.message(error.message, context)
                }
                if errors.isEmpty { errors["file"] = ProblemText.detail(problem, context) }
                return render(context, caseId: caseId, dossier: try context.get(.coordination, "/cases/\(caseId)/dossier"), errors: errors,
                              general: "\(ProblemText.title(problem, context))", status: problem.status)
            }
        }
        portal.page("GET", "/cases/{caseId}/documents/{documentId}/content") { context in
            let caseId = try context.caseIdParameter()
            let documentId = try context.caseIdParameter("documentId")
            let answer = try context.raw(.coordination, "/cases/\(caseId)/documents/\(documentId)/content")
            var headers = HTTPHeaders()
            for name in ["Content-Type", "Content-Disposition", "ETag", "Last-Modified"] {
                if let value = answer.headers[name] { headers.set(name, value) }
            }
            headers.set("Cache-Control", "no-store")
            // A document is never shown inside the portal's own origin as a page.
            headers.set("Content-Security-Policy", "default-src 'none'; sandbox")
            return HTTPResponse(status: 200, headers: headers, body: answer.body)
        }
    }

    static func render(_ context: PageContext, caseId: String, dossier: JSONValue, errors: [String: HTML], general: HTML?, status: Int) -> HTTPResponse {
        let t = context.translator
        let f = context.form
        let person = dossier["person"]
        let who = [person?["givenName"]?.stringValue, person?["familyName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let categories = DocumentCategory.allCases.filter { $0 != .finalReport }.map { ($0.rawValue, context.code("category", $0.rawValue)) }
        let kinds = CertificateKind.allCases.map { ($0.rawValue, context.code("certificateKind", $0.rawValue)) }
        let summary: HTML = errors.isEmpty && general == nil ? .empty : FormFields.summary(errors, context, general: general)
        return context.page(t("form.document.title"), """
            <p class="muted">\(t("form.forCase", ["name": who]))</p>
            \(summary)
            <form method="post" enctype="multipart/form-data" class="stack" id="form-document" novalidate>
            \(context.csrfField)
            <input type="hidden" name="_idem" value="\(f["_idem"].flatMap { FormPage.isIdempotencyKey($0) ? $0 : nil } ?? UUID().uuidString.lowercased())">
            \(FormFields.file("file", label: t("field.file"), error: errors["file"], hint: t("hint.file", ["mb": String(context.portal.settings.maxUploadBytes / 1_000_000)]), required: true))
            \(FormFields.select("category", label: t("field.category"), options: categories, value: f["category"], error: errors["category"], required: true))
            \(FormFields.select("certificateKind", label: t("field.certificateKind"), options: kinds, value: f["certificateKind"], error: errors["certificateKind"], hint: t("hint.certificateKind")))
            \(FormFields.input("title", label: t("field.title"), value: f["title"], error: errors["title"], required: true))
            \(FormFields.input("issuedOn", label: t("field.issuedOn"), value: f["issuedOn"], error: errors["issuedOn"], hint: t("hint.date")))
            <p class="muted">\(t("form.required"))</p>
            <button type="submit">\(t("form.document.submit"))</button>
            <a href="/cases/\(caseId)" class="button secondary">\(t("form.cancel"))</a>
            </form>
            """, status: status)
    }
}

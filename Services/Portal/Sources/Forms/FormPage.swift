import Foundation
import IASHTTP
import IASRuntime

/// Shows an `ActionForm`, and handles what is sent with it: checked here first (in the user's
/// language), then by the service, whose problem is shown next to the fields it names. What
/// was typed is always shown again; a success goes to the case page.
enum FormPage {
    static func register(_ form: ActionForm, pattern: String, on portal: Portal,
                         target: @escaping @Sendable (PageContext) throws -> FormTarget) {
        portal.page("GET", pattern) { context in
            let target = try target(context)
            let dossier = try loadDossier(target, context)
            guard form.allowed(context.caller) else { return forbidden(context) }
            return render(form, context: context, target: target, dossier: dossier, input: nil, errors: [:], general: nil, status: 200)
        }
        portal.page("POST", pattern) { context in
            let target = try target(context)
            guard form.allowed(context.caller) else { return forbidden(context) }
            let checked = CheckedForm.check(form, input: context.form, t: context.translator)
            guard checked.errors.isEmpty else {
                return render(form, context: context, target: target, dossier: try loadDossier(target, context), input: context.form,
                              errors: checked.errors, general: nil, status: 422)
            }
            var body = checked.body
            for (key, value) in form.extraBody?(target) ?? [:] { body[key] = value }
            let call = form.call(target)
            var headers: [(String, String)] = []
            if let key = context.form["_idem"], isIdempotencyKey(key) { headers.append(("Idempotency-Key", key)) }
            do {
                let answer = try context.send(call.service, call.method, call.path, form.sendsBody ? .object(body) : nil, headers: headers)
                let caseId = target.caseId.isEmpty ? (answer.json?["caseId"]?.stringValue ?? "") : target.caseId
                var location = caseId.isEmpty ? "/queue?done=\(form.id)" : "/cases/\(caseId)?done=\(form.id)"
                if let event = answer.eventId, UUID(uuidString: event) != nil { location += "&event=\(event)" }
                return redirect(location + "#\(form.section)")
            } catch BackendError.refused(let problem) where [400, 409, 412, 422].contains(problem.status) {
                var errors: [String: HTML] = [:]
                var unplaced: [HTML] = []
                let names = Set(form.fields.map(\.name))
                for error in problem.errors {
                    if names.contains(error.field) { errors[error.field] = ProblemText.message(error.message, context) } else {
                        unplaced.append("<li>\(error.field): \(ProblemText.message(error.message, context))</li>")
                    }
                }
                var general: HTML = "\(ProblemText.title(problem, context)) – \(ProblemText.detail(problem, context))"
                if !unplaced.isEmpty { general += "<ul>\(unplaced)</ul>" }
                return render(form, context: context, target: target, dossier: try loadDossier(target, context), input: context.form,
                              errors: errors, general: general, status: problem.status, problem: problem)
            }
        }
    }

    static func loadDossier(_ target: FormTarget, _ context: PageContext) throws -> JSONValue? {
        target.caseId.isEmpty ? nil : try context.get(.coordination, "/cases/\(target.caseId)/dossier")
    }

    static func forbidden(_ context: PageContext) -> HTTPResponse {
        context.page(context.t("error.forbidden.title"), "<p>\(context.t("error.forbidden.role"))</p>", status: 403)
    }

    static func isIdempotencyKey(_ key: String) -> Bool {
        (1...100).contains(key.count) && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    static func render(_ form: ActionForm, context: PageContext, target: FormTarget, dossier: JSONValue?, input: FormInput?,
                       errors: [String: HTML], general: HTML?, status: Int, problem: ServiceProblem? = nil) -> HTTPResponse {
        let t = context.translator
        let values = input ?? FormInput.none
        var fields: [HTML] = []
        for field in form.fields {
            if let shownWhen = field.shownWhen, !shownWhen(values), problem.map({ !Self.asksFor(field.name, $0) }) ?? true { continue }
            fields.append(Self.field(field, context: context, values: values, fresh: input == nil, error: errors[field.name], dossier: dossier))
        }
        var summary: HTML = .empty
        if !errors.isEmpty || general != nil { summary = FormFields.summary(errors, context, general: general) }
        var candidates: HTML = .empty
        if let problem, problem.status == 409, case .array(let list)? = problem.document?["candidates"], !list.isEmpty {
            let items: [HTML] = list.map { c in
                let caseId = c["caseId"]?.stringValue ?? ""
                let name = "\(c["familyName"]?.stringValue ?? ""), \(c["givenName"]?.stringValue ?? "") (\(SwissFormat.date(c["dateOfBirth"]?.stringValue ?? "")))"
                return caseId.isEmpty ? "<li>\(name)</li>" : "<li><a href=\"/cases/\(caseId)\">\(name)</a></li>"
            }
            candidates = "<div class=\"warning\" id=\"duplicates\"><p>\(t("form.duplicates"))</p><ul>\(items)</ul></div>"
        }
        let person = dossier?["person"]
        let who = [person?["givenName"]?.stringValue, person?["familyName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let back = target.caseId.isEmpty ? "/queue" : "/cases/\(target.caseId)"
        let key = values["_idem"].flatMap { isIdempotencyKey($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        let intro = context.portal.messages.optionalText("form.\(form.id).intro", context.language)
        return context.page(t(form.titleKey), """
            \(who.isEmpty ? HTML.empty : "<p class=\"muted\">\(t("form.forCase", ["name": who]))</p>" as HTML)
            \(intro.map { "<p>\($0)</p>" as HTML } ?? .empty)
            \(summary)\(candidates)
            <form method="post" class="stack" id="form-\(form.id)" novalidate>
            \(context.csrfField)
            <input type="hidden" name="_idem" value="\(key)">
            \(target.ids.sorted(by: { $0.key < $1.key }).filter { $0.key.hasPrefix("_") }.map { "<input type=\"hidden\" name=\"\($0.key)\" value=\"\($0.value)\">" as HTML })
            \(fields)
            <p class="field-note muted">\(t("form.required"))</p>
            <button type="submit">\(t("form.\(form.id).submit"))</button>
            <a href="\(back)" class="button secondary">\(t("form.cancel"))</a>
            </form>
            """, status: status)
    }

    /// A field shown only on request (the reason to register a likely duplicate) appears once
    /// the service asked for it.
    static func asksFor(_ field: String, _ problem: ServiceProblem) -> Bool {
        problem.detail.contains(field) || problem.errors.contains { $0.field == field }
    }

    static func field(_ field: FormField, context: PageContext, values: FormInput, fresh: Bool, error: HTML?, dossier: JSONValue?) -> HTML {
        let t = context.translator
        let label = t("field.\(field.name)")
        let hint = field.hint.map { t($0) }
        var value = values[field.name]
        switch field.kind {
        case .text:
            return FormFields.input(field.name, label: label, value: value, error: error, hint: hint, required: field.required)
        case .textarea:
            return FormFields.textarea(field.name, label: label, value: value, error: error, hint: hint, required: field.required)
        case .date:
            if fresh && field.required { value = SwissFormat.date(CalendarDate.today().description) }
            return FormFields.input(field.name, label: label, value: value, error: error, hint: hint ?? t("hint.date"), required: field.required,
                                    autocomplete: "off")
        case .money:
            return FormFields.input(field.name, label: label, value: value, error: error, hint: hint ?? t("hint.money"), required: field.required,
                                    inputMode: "decimal")
        case .integer:
            return FormFields.input(field.name, label: label, value: value, error: error, hint: hint, required: field.required, inputMode: "numeric")
        case .choice(let options, let group):
            return FormFields.select(field.name, label: label, options: options.map { ($0, context.code(group, $0)) }, value: value, error: error,
                                     hint: hint, required: field.required)
        case .yesNo:
            return FormFields.select(field.name, label: label, options: [("yes", t("answer.yes")), ("no", t("answer.no"))], value: value,
                                     error: error, hint: hint, required: field.required)
        case .commaList:
            return FormFields.input(field.name, label: label, value: value, error: error, hint: hint, required: field.required)
        case .lines:
            return FormFields.textarea(field.name, label: label, value: value, error: error, hint: hint, required: field.required)
        case .catalogMeasure:
            let catalog = (try? context.get(.plan, "/catalog/measures"))
            let entries = (catalog?["measures"]?.arrayValue ?? catalog?["items"]?.arrayValue ?? catalog?.arrayValue ?? [])
            let codes: [(String, String)] = entries.compactMap { entry in
                guard let code = entry["code"]?.stringValue else { return nil }
                let fallback = context.language == .de ? entry["nameDe"]?.stringValue : entry["nameEn"]?.stringValue
                return (code, context.portal.messages.optionalText("measure.\(code)", context.language) ?? fallback ?? code)
            }
            if codes.isEmpty { return FormFields.input(field.name, label: label, value: value, error: error, hint: hint, required: field.required) }
            return FormFields.select(field.name, label: label, options: codes, value: value, error: error, hint: hint, required: field.required)
        case .measure:
            let measures = (dossier?["plan"]?["measures"]?.arrayValue ?? []).map { m in
                (m["measureId"]?.stringValue ?? "",
                 "\(context.code("measure", m["catalogCode"]?.stringValue)) – \(SwissFormat.date(m["startsOn"]?.stringValue ?? "")) (\(context.code("measureStatus", m["status"]?.stringValue)))")
            }
            if value == nil, let preset = context.request.query["measure"] { value = preset }
            return FormFields.select(field.name, label: label, options: measures, value: value, error: error, hint: hint, required: field.required)
        }
    }
}

import IASHTTP
import IASRuntime

/// Case search by name, ZEMIS number and date of birth. The form is sent with POST so that
/// what was searched for never appears in a URL (history, proxy logs); intake answers only
/// with the cases the caller may see.
enum SearchPage {
    static let fields = ["familyName", "givenName", "zemisNumber", "dateOfBirth"]

    static func register(on portal: Portal) {
        portal.page("GET", "/cases") { context in
            render(context, results: nil, errors: [:])
        }
        portal.page("POST", "/cases") { context in
            var query: [(String, String)] = []
            var errors: [String: HTML] = [:]
            for field in fields {
                guard let value = context.form.text(field) else { continue }
                if field == "dateOfBirth" {
                    guard let iso = SwissFormat.isoDate(fromInput: value) else {
                        errors[field] = "\(context.t("invalid.date"))"
                        continue
                    }
                    query.append((field, iso))
                } else {
                    query.append((field, value))
                }
            }
            if query.isEmpty && errors.isEmpty { errors["familyName"] = "\(context.t("search.needOne"))" }
            guard errors.isEmpty else { return render(context, results: nil, errors: errors, status: 422) }
            let path = "/persons?limit=50&" + query.map { "\($0.0)=\(URLEncodedForm.escape($0.1))" }.joined(separator: "&")
            do {
                let page = try context.get(.intake, path)
                return render(context, results: page["items"]?.arrayValue ?? [], errors: [:])
            } catch BackendError.refused(let problem) where problem.status == 400 || problem.status == 422 {
                var fieldErrors: [String: HTML] = [:]
                for error in problem.errors { fieldErrors[error.field] = ProblemText.message(error.message, context) }
                if fieldErrors.isEmpty { fieldErrors["familyName"] = ProblemText.detail(problem, context) }
                return render(context, results: nil, errors: fieldErrors, status: problem.status)
            }
        }
    }

    static func render(_ context: PageContext, results: [JSONValue]?, errors: [String: HTML], status: Int = 200) -> HTTPResponse {
        let t = context.translator
        let inputs: [HTML] = fields.map { field in
            FormFields.input(field, label: t("field.\(field)"), value: context.form[field], error: errors[field],
                             hint: field == "dateOfBirth" ? t("hint.date") : nil, type: "text",
                             autocomplete: "off")
        }
        var summary: HTML = .empty
        if !errors.isEmpty { summary = FormFields.summary(errors, context) }
        var list: HTML = .empty
        if let results {
            let rows: [HTML] = results.map { p in
                let caseId = p["caseId"]?.stringValue ?? ""
                return "<tr><td><a href=\"/cases/\(caseId)\">\(p["familyName"]?.stringValue ?? ""), \(p["givenName"]?.stringValue ?? "")</a></td><td>\(SwissFormat.date(p["dateOfBirth"]?.stringValue ?? ""))</td><td>\(p["zemisNumber"]?.stringValue ?? "–")</td><td>\(context.code("status", p["status"]?.stringValue))</td><td>\(Organisations.label(p["responsibleOrg"]?.stringValue ?? "", context))</td></tr>"
            }
            list = results.isEmpty
                ? "<p role=\"status\">\(t("search.none"))</p>"
                : """
                  <p role="status">\(t("search.found", ["n": String(results.count)]))</p>
                  <table id="results"><caption class="visually-hidden">\(t("search.results"))</caption>
                  <thead><tr><th scope="col">\(t("col.name"))</th><th scope="col">\(t("field.dateOfBirth"))</th><th scope="col">\(t("field.zemisNumber"))</th><th scope="col">\(t("field.status"))</th><th scope="col">\(t("col.responsible"))</th></tr></thead>
                  <tbody>\(rows)</tbody></table>
                  """
        }
        return context.page(t("search.title"), """
            \(summary)
            <form method="post" action="/cases" class="search" id="search-form" novalidate>
            \(context.csrfField)
            \(inputs)
            <div class="field"><button type="submit">\(t("search.submit"))</button></div>
            </form>
            \(list)
            """, status: status)
    }
}

/// The markup of form fields: a label for every control, the hint and the error tied to it
/// with `aria-describedby`, `aria-invalid` on a refused field, and what was typed kept.
enum FormFields {
    static func input(_ name: String, label: String, value: String?, error: HTML?, hint: String? = nil, type: String = "text",
                      required: Bool = false, autocomplete: String? = nil, inputMode: String? = nil) -> HTML {
        let described = describedBy(name, hint: hint, error: error)
        return """
            <div class="field\(error == nil ? "" : " invalid")">
            <label for="f-\(name)">\(label)\(required ? HTML(raw: " <span aria-hidden=\"true\">*</span>") : .empty)</label>
            \(hintAndError(name, hint: hint, error: error))
            <input type="\(type)" id="f-\(name)" name="\(name)" value="\(value ?? "")"\(state(required: required, invalid: error != nil))\(described)\(autocomplete.map { " autocomplete=\"\($0)\"" as HTML })\(inputMode.map { " inputmode=\"\($0)\"" as HTML })>
            </div>
            """
    }

    static func textarea(_ name: String, label: String, value: String?, error: HTML?, hint: String? = nil, required: Bool = false) -> HTML {
        """
        <div class="field\(error == nil ? "" : " invalid")">
        <label for="f-\(name)">\(label)\(required ? HTML(raw: " <span aria-hidden=\"true\">*</span>") : .empty)</label>
        \(hintAndError(name, hint: hint, error: error))
        <textarea id="f-\(name)" name="\(name)"\(state(required: required, invalid: error != nil))\(describedBy(name, hint: hint, error: error))>\(value ?? "")</textarea>
        </div>
        """
    }

    static func select(_ name: String, label: String, options: [(value: String, label: String)], value: String?, error: HTML?,
                       hint: String? = nil, required: Bool = false) -> HTML {
        let items: [HTML] = [HTML(raw: "<option value=\"\"></option>")] + options.map { option in
            "<option value=\"\(option.value)\"\(option.value == value ? " selected" : "")>\(option.label)</option>"
        }
        return """
            <div class="field\(error == nil ? "" : " invalid")">
            <label for="f-\(name)">\(label)\(required ? HTML(raw: " <span aria-hidden=\"true\">*</span>") : .empty)</label>
            \(hintAndError(name, hint: hint, error: error))
            <select id="f-\(name)" name="\(name)"\(state(required: required, invalid: error != nil))\(describedBy(name, hint: hint, error: error))>\(items)</select>
            </div>
            """
    }

    static func file(_ name: String, label: String, error: HTML?, hint: String? = nil, required: Bool = false) -> HTML {
        """
        <div class="field\(error == nil ? "" : " invalid")">
        <label for="f-\(name)">\(label)\(required ? HTML(raw: " <span aria-hidden=\"true\">*</span>") : .empty)</label>
        \(hintAndError(name, hint: hint, error: error))
        <input type="file" id="f-\(name)" name="\(name)"\(state(required: required, invalid: error != nil))\(describedBy(name, hint: hint, error: error))>
        </div>
        """
    }

    /// The list of what is wrong, at the top of the form, each entry a link to its field.
    static func summary(_ errors: [String: HTML], _ context: PageContext, general: HTML? = nil) -> HTML {
        let items: [HTML] = errors.keys.sorted().map { name in "<li><a href=\"#f-\(name)\">\(errors[name]!)</a></li>" }
        return """
            <div class="problem" role="alert" id="problem" tabindex="-1">
            <h2>\(context.t("form.problem"))</h2>
            \(general.map { "<p>\($0)</p>" as HTML } ?? .empty)
            \(items.isEmpty ? HTML.empty : "<ul>\(items)</ul>" as HTML)
            </div>
            """
    }

    /// `required` and `aria-invalid` as attributes (markup, not text).
    private static func state(required: Bool, invalid: Bool) -> HTML {
        HTML(raw: (required ? " required aria-required=\"true\"" : "") + (invalid ? " aria-invalid=\"true\"" : ""))
    }

    private static func hintAndError(_ name: String, hint: String?, error: HTML?) -> HTML {
        var out: HTML = .empty
        if let hint { out += "<span class=\"hint\" id=\"f-\(name)-hint\">\(hint)</span>" }
        if let error { out += "<p class=\"field-error\" id=\"f-\(name)-error\">\(error)</p>" }
        return out
    }

    private static func describedBy(_ name: String, hint: String?, error: HTML?) -> HTML {
        let ids = [hint.map { _ in "f-\(name)-hint" }, error.map { _ in "f-\(name)-error" }].compactMap { $0 }
        return ids.isEmpty ? .empty : " aria-describedby=\"\(ids.joined(separator: " "))\""
    }
}

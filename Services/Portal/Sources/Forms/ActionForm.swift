import Foundation
import IASHTTP
import IASRuntime

/// One field of an action's form. Its name is the JSON path of the request body it fills
/// ("languageLevels.listening" fills `{"languageLevels": {"listening": …}}`), so that a
/// service's problem naming that path lands next to the field.
struct FormField: Sendable {
    enum Kind: Sendable {
        case text, textarea
        /// A day: typed as 02.03.2026 (or 2026-03-02), sent as 2026-03-02.
        case date
        /// Francs typed ("1’234.50"), Rappen sent.
        case money
        case integer
        /// One of `values`; each shown as the text of "<group>.<value>".
        case choice(values: [String], group: String)
        /// Yes or no, sent as a boolean.
        case yesNo
        /// One of the case's measures (from its dossier).
        case measure
        /// A code of plan's measure catalogue (asked of plan when the form is shown).
        case catalogMeasure
        /// Several values typed with commas between them ("ti, ar"), sent as a list.
        case commaList
        /// One value per line, sent as a list.
        case lines
    }

    let name: String
    let kind: Kind
    var required = true
    var hint: String?
    /// Sent only when the form says so (`duplicateOverride.reason` after a likely duplicate).
    var shownWhen: (@Sendable (FormInput) -> Bool)?
}

/// What a form sends: to which service, the path, the method.
struct ServiceCall: Sendable {
    let service: Service
    let method: String
    let path: String
}

/// The parameters a form's path and call are made of: the case, a person, a measure …
struct FormTarget: Sendable {
    var caseId: String
    var ids: [String: String] = [:]
    subscript(_ name: String) -> String { ids[name] ?? "" }
}

/// A case worker's action as a form: the fields, who may use it, and the service call it makes.
/// `FormPage` renders it, checks what was typed, sends it with an Idempotency-Key made when
/// the form was shown (a second click sends the same key: one effect), and on success goes to
/// the case page, which waits for the event the call produced.
struct ActionForm: Sendable {
    let id: String
    /// The section of the case page the result shows in.
    let section: String
    let fields: [FormField]
    let allowed: @Sendable (CallerView) -> Bool
    let call: @Sendable (FormTarget) -> ServiceCall
    /// Added to the body as it is (a fixed member such as the case id of a cost approval).
    var extraBody: (@Sendable (FormTarget) -> [String: JSONValue])?
    /// False for a call without a body (a DELETE).
    var sendsBody = true

    var titleKey: String { "form.\(id).title" }
}

/// Values a form's fields hold once checked: JSON for the body, or the errors to show.
struct CheckedForm {
    var body: [String: JSONValue] = [:]
    var errors: [String: HTML] = [:]

    static func check(_ form: ActionForm, input: FormInput, t: Translator) -> CheckedForm {
        var result = CheckedForm()
        for field in form.fields {
            if let shownWhen = field.shownWhen, !shownWhen(input) { continue }
            guard let text = input.text(field.name) else {
                if field.required { result.errors[field.name] = "\(t("invalid.required"))" }
                continue
            }
            let value: JSONValue
            switch field.kind {
            case .date:
                guard let iso = SwissFormat.isoDate(fromInput: text) else { result.errors[field.name] = "\(t("invalid.date"))"; continue }
                value = .string(iso)
            case .money:
                guard let rappen = SwissFormat.rappen(fromFrancs: text) else { result.errors[field.name] = "\(t("invalid.money"))"; continue }
                value = .number(Double(rappen))
            case .integer:
                guard let number = Int(text), number >= 0, number < 1000 else { result.errors[field.name] = "\(t("invalid.integer"))"; continue }
                value = .number(Double(number))
            case .choice(let values, _):
                guard values.contains(text) else { result.errors[field.name] = "\(t("invalid.choice"))"; continue }
                value = .string(text)
            case .yesNo:
                guard text == "yes" || text == "no" else { result.errors[field.name] = "\(t("invalid.choice"))"; continue }
                value = .bool(text == "yes")
            case .commaList, .lines:
                let separator: Character = { if case .lines = field.kind { return "\n" } else { return "," } }()
                let items = text.split(separator: separator).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                value = .array(items.map(JSONValue.string))
            case .catalogMeasure:
                value = .string(text)
            case .measure:
                guard UUID(uuidString: text) != nil else { result.errors[field.name] = "\(t("invalid.choice"))"; continue }
                value = .string(text.lowercased())
            case .text, .textarea:
                value = .string(text)
            }
            result.body.set(path: field.name.split(separator: ".").map(String.init), value)
        }
        return result
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets `value` at a dotted path, making the objects on the way.
    mutating func set(path: [String], _ value: JSONValue) {
        guard let first = path.first else { return }
        if path.count == 1 { self[first] = value; return }
        var inner: [String: JSONValue] = [:]
        if case .object(let existing)? = self[first] { inner = existing }
        inner.set(path: Array(path.dropFirst()), value)
        self[first] = .object(inner)
    }
}

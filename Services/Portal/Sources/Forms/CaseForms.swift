import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// Every case worker action as a form, and where each one is reached. The vocabularies come
/// from the contract, so a select offers exactly what the service accepts.
enum CaseForms {
    static let caseworker: @Sendable (CallerView) -> Bool = { $0.isCaseworker }
    static let approver: @Sendable (CallerView) -> Bool = { $0.isApprover }

    static func values<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> [String] where T.RawValue == String {
        type.allCases.map(\.rawValue)
    }

    static let levels = values(LanguageLevel.self)

    // MARK: The forms

    static let register = ActionForm(
        id: "register", section: "person",
        fields: [
            FormField(name: "givenName", kind: .text), FormField(name: "familyName", kind: .text),
            FormField(name: "dateOfBirth", kind: .date),
            FormField(name: "sex", kind: .choice(values: ["female", "male", "diverse", "unknown"], group: "sex")),
            FormField(name: "nationality", kind: .text, hint: "hint.nationality"),
            FormField(name: "languages", kind: .commaList, hint: "hint.languages"),
            FormField(name: "status", kind: .choice(values: ["N", "VA", "FL"], group: "status")),
            FormField(name: "enteredCantonOn", kind: .date),
            FormField(name: "statusDecidedOn", kind: .date, required: false),
            FormField(name: "accommodation", kind: .choice(values: ["cantonal", "municipal"], group: "accommodation")),
            FormField(name: "zemisNumber", kind: .text, required: false, hint: "hint.zemis"),
            FormField(name: "duplicateOverride.reason", kind: .textarea, hint: "hint.duplicateOverride",
                      shownWhen: { $0.text("duplicateOverride.reason") != nil }),
        ],
        allowed: caseworker,
        call: { _ in ServiceCall(service: .intake, method: "POST", path: "/persons") })

    static let regularization = ActionForm(
        id: "regularization", section: "person",
        fields: [FormField(name: "status", kind: .choice(values: ["VA", "FL"], group: "status")), FormField(name: "decidedOn", kind: .date)],
        allowed: caseworker,
        call: { ServiceCall(service: .intake, method: "POST", path: "/persons/\($0["_person"])/regularization") })

    static let statusMeeting = ActionForm(
        id: "statusMeeting", section: "assessment",
        fields: [FormField(name: "heldOn", kind: .date), FormField(name: "participants", kind: .commaList, hint: "hint.participants"),
                 FormField(name: "notes", kind: .textarea, required: false)],
        allowed: caseworker,
        call: { ServiceCall(service: .assessment, method: "POST", path: "/cases/\($0.caseId)/status-meetings") })

    static let assessment = ActionForm(
        id: "assessment", section: "assessment",
        fields: [
            FormField(name: "kind", kind: .choice(values: values(AssessmentKind.self), group: "assessmentKind")),
            FormField(name: "heldOn", kind: .date),
            FormField(name: "languageLevels.listening", kind: .choice(values: levels, group: "level")),
            FormField(name: "languageLevels.speaking", kind: .choice(values: levels, group: "level")),
            FormField(name: "languageLevels.reading", kind: .choice(values: levels, group: "level")),
            FormField(name: "languageLevels.writing", kind: .choice(values: levels, group: "level")),
            FormField(name: "literate", kind: .yesNo),
            FormField(name: "schoolYears", kind: .integer), FormField(name: "vocationalYears", kind: .integer),
            FormField(name: "healthRestriction", kind: .choice(values: values(HealthRestriction.self), group: "health")),
            FormField(name: "childcareDuties", kind: .yesNo),
        ],
        allowed: caseworker,
        call: { ServiceCall(service: .assessment, method: "POST", path: "/cases/\($0.caseId)/assessments") })

    static let targetGroup = ActionForm(
        id: "targetGroup", section: "assessment",
        fields: [FormField(name: "targetGroup", kind: .choice(values: values(TargetGroup.self), group: "targetGroup")),
                 FormField(name: "reason", kind: .textarea)],
        allowed: caseworker,
        call: { ServiceCall(service: .assessment, method: "PUT", path: "/cases/\($0.caseId)/target-group") })

    static let measure = ActionForm(
        id: "measure", section: "plan",
        fields: [FormField(name: "catalogCode", kind: .catalogMeasure), FormField(name: "provider", kind: .text, required: false),
                 FormField(name: "startsOn", kind: .date), FormField(name: "endsOn", kind: .date, required: false),
                 FormField(name: "estimatedCostRappen", kind: .money)],
        allowed: caseworker,
        call: { ServiceCall(service: .plan, method: "POST", path: "/cases/\($0.caseId)/plan/measures") })

    static let measureState = ActionForm(
        id: "measureState", section: "plan",
        fields: [FormField(name: "status", kind: .choice(values: ["enrolled", "started", "completed", "interrupted", "dropped"], group: "measureStatus")),
                 FormField(name: "on", kind: .date), FormField(name: "reason", kind: .text, required: false)],
        allowed: caseworker,
        call: { ServiceCall(service: .plan, method: "POST", path: "/cases/\($0.caseId)/plan/measures/\($0["measureId"])/status") })

    static let agreement = ActionForm(
        id: "agreement", section: "plan",
        fields: [FormField(name: "signedOn", kind: .date), FormField(name: "goals", kind: .lines, hint: "hint.goals"),
                 FormField(name: "reviewEveryMonths", kind: .integer)],
        allowed: caseworker,
        call: { ServiceCall(service: .plan, method: "POST", path: "/cases/\($0.caseId)/plan/agreement") })

    static let review = ActionForm(
        id: "review", section: "reviews",
        fields: [FormField(name: "heldOn", kind: .date),
                 FormField(name: "outcome", kind: .choice(values: values(ReviewOutcome.self), group: "reviewOutcome")),
                 FormField(name: "notes", kind: .textarea)],
        allowed: caseworker,
        call: { ServiceCall(service: .plan, method: "POST", path: "/cases/\($0.caseId)/plan/reviews") })

    static let costRequest = ActionForm(
        id: "costRequest", section: "budget",
        fields: [FormField(name: "measureId", kind: .measure), FormField(name: "amountRappen", kind: .money),
                 FormField(name: "justification", kind: .textarea)],
        allowed: caseworker,
        call: { _ in ServiceCall(service: .costs, method: "POST", path: "/cost-approvals") },
        extraBody: { ["caseId": .string($0.caseId)] })

    static let costDecision = ActionForm(
        id: "costDecision", section: "budget",
        fields: [FormField(name: "decision", kind: .choice(values: values(CostDecision.self), group: "decision")),
                 FormField(name: "amountRappen", kind: .money, required: false, hint: "hint.partialAmount"),
                 FormField(name: "reason", kind: .textarea),
                 FormField(name: "fundingSource", kind: .choice(values: ["lump_sum", "other"], group: "funding"), required: false)],
        allowed: approver,
        call: { ServiceCall(service: .costs, method: "POST", path: "/cost-approvals/\($0["approvalId"])/decision") })

    static let charge = ActionForm(
        id: "charge", section: "budget",
        fields: [FormField(name: "amountRappen", kind: .money), FormField(name: "invoiceRef", kind: .text), FormField(name: "bookedOn", kind: .date)],
        allowed: caseworker,
        call: { ServiceCall(service: .costs, method: "POST", path: "/cost-approvals/\($0["approvalId"])/charges") })

    static let consent = ActionForm(
        id: "consent", section: "consents",
        fields: [FormField(name: "partner", kind: .choice(values: ["partner:RAV", "canton:BKS"], group: "partner")),
                 FormField(name: "givenOn", kind: .date), FormField(name: "expiresOn", kind: .date, required: false),
                 FormField(name: "documentRef", kind: .text, hint: "hint.documentRef")],
        allowed: caseworker,
        call: { ServiceCall(service: .coordination, method: "POST", path: "/cases/\($0.caseId)/consents") })

    static let consentWithdrawal = ActionForm(
        id: "consentWithdrawal", section: "consents", fields: [], allowed: caseworker,
        call: { ServiceCall(service: .coordination, method: "DELETE", path: "/cases/\($0.caseId)/consents/\($0["consentId"])") },
        sendsBody: false)

    static let referral = ActionForm(
        id: "referral", section: "referrals",
        fields: [FormField(name: "measureId", kind: .measure),
                 FormField(name: "legalBasisOverride.reason", kind: .textarea, required: false, hint: "hint.legalBasis")],
        allowed: caseworker,
        call: { ServiceCall(service: .coordination, method: "POST", path: "/cases/\($0.caseId)/referrals") })

    static let handover = ActionForm(
        id: "handover", section: "responsibility",
        fields: [FormField(name: "toOrg", kind: .text, hint: "hint.toOrg"), FormField(name: "effectiveOn", kind: .date),
                 FormField(name: "reason", kind: .choice(values: values(TransferReason.self), group: "transfer"))],
        allowed: caseworker,
        call: { ServiceCall(service: .intake, method: "POST", path: "/persons/\($0["_person"])/responsibility") })

    static let closure = ActionForm(
        id: "closure", section: "person",
        fields: [FormField(name: "reason", kind: .choice(values: values(ClosureReason.self), group: "closure")),
                 FormField(name: "closedOn", kind: .date),
                 FormField(name: "outcome", kind: .choice(values: values(IntegrationOutcome.self), group: "outcome"), required: false)],
        allowed: caseworker,
        call: { ServiceCall(service: .intake, method: "POST", path: "/persons/\($0["_person"])/closure") })

    static let taskCompletion = ActionForm(
        id: "taskCompletion", section: "tasks",
        fields: [FormField(name: "outcome", kind: .text), FormField(name: "notes", kind: .textarea, required: false)],
        allowed: { $0.isCaseworker || $0.isApprover },
        call: { ServiceCall(service: .coordination, method: "POST", path: "/tasks/\($0["taskId"])/completion") })

    // MARK: Where they are

    /// The forms on a case, by the path below `/cases/{caseId}/`, in the order a case is worked on.
    static let all: [(path: String, form: ActionForm)] = [
        ("regularization", regularization), ("status-meeting", statusMeeting), ("assessment", assessment),
        ("target-group", targetGroup), ("measures/new", measure), ("agreement", agreement), ("review", review),
        ("cost-approval", costRequest), ("consent", consent), ("referral", referral), ("handover", handover), ("closure", closure),
    ]

    /// The links of the case page the caller may follow (the upload of a document among them).
    static func caseActions(_ context: PageContext) -> [(path: String, label: String)] {
        var links = all.filter { $0.form.allowed(context.caller) }.map { ($0.path, context.t($0.form.titleKey)) }
        if context.caller.isCaseworker {
            let beforeHandover = links.firstIndex { $0.0 == "handover" } ?? links.endIndex
            links.insert(("documents/new", context.t("action.upload")), at: beforeHandover)
        }
        return links
    }

    static func register(on portal: Portal) {
        FormPage.register(register, pattern: "/persons/new", on: portal) { _ in FormTarget(caseId: "") }
        for (path, form) in all {
            FormPage.register(form, pattern: "/cases/{caseId}/\(path)", on: portal) { context in
                var target = FormTarget(caseId: try context.caseIdParameter())
                if let person = try context.optionalId(form: "_person", query: "person") {
                    target.ids["_person"] = person
                } else if form.call(target).service == .intake {
                    // Intake's routes name the person: a link without it (typed, bookmarked) asks the dossier.
                    let dossier = try context.get(.coordination, "/cases/\(target.caseId)/dossier")
                    guard let person = dossier["person"]?["personId"]?.stringValue else {
                        throw BackendError.refused(ServiceProblem.notYet)
                    }
                    target.ids["_person"] = person
                }
                return target
            }
        }
        FormPage.register(measureState, pattern: "/cases/{caseId}/measures/{measureId}/state", on: portal) { context in
            FormTarget(caseId: try context.caseIdParameter(), ids: ["measureId": try context.caseIdParameter("measureId")])
        }
        FormPage.register(consentWithdrawal, pattern: "/cases/{caseId}/consents/{consentId}/withdraw", on: portal) { context in
            FormTarget(caseId: try context.caseIdParameter(), ids: ["consentId": try context.caseIdParameter("consentId")])
        }
        for (path, form) in [("decide", costDecision), ("charge", charge)] {
            FormPage.register(form, pattern: "/cost-approvals/{approvalId}/\(path)", on: portal) { context in
                let caseId = try context.optionalId(form: "_case", query: "case") ?? ""
                return FormTarget(caseId: caseId, ids: ["approvalId": try context.caseIdParameter("approvalId"), "_case": caseId])
            }
        }
        FormPage.register(taskCompletion, pattern: "/tasks/{taskId}/complete", on: portal) { context in
            let caseId = try context.optionalId(form: "_case", query: "case") ?? ""
            return FormTarget(caseId: caseId, ids: ["taskId": try context.caseIdParameter("taskId"), "_case": caseId])
        }
    }
}

extension PageContext {
    /// An id carried by the form (hidden field) or the link (query): a UUID or nothing.
    func optionalId(form name: String, query: String) throws -> String? {
        guard let value = form[name] ?? request.query[query], !value.isEmpty else { return nil }
        guard UUID(uuidString: value) != nil else { throw BackendError.refused(ServiceProblem.notFound) }
        return value.lowercased()
    }
}

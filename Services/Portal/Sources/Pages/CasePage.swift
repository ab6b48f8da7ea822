import Foundation
import IASHTTP
import IASRuntime

/// The case page: the whole dossier as coordination assembles it from every service's events,
/// with the actions the caller may take. After a form it names the event the form produced,
/// so that coordination answers only once that event is in the dossier.
enum CasePage {
    static func register(on portal: Portal) {
        portal.page("GET", "/cases/{caseId}") { context in
            let caseId = try context.caseIdParameter()
            let dossier = try context.get(.coordination, "/cases/\(caseId)/dossier", awaitEvent: context.awaitedEvent)
            return render(dossier, caseId: caseId, context: context)
        }
    }

    static func render(_ d: JSONValue, caseId: String, context: PageContext) -> HTTPResponse {
        let t = context.translator
        let person = d["person"]
        let name = [person?["givenName"]?.stringValue, person?["familyName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let closed = d["closure"] != nil && d["closure"] != .null
        var notice: HTML = .empty
        if let done = context.request.query["done"], let text = context.portal.messages.optionalText("done." + done, context.language) {
            notice = "<p class=\"notice\" role=\"status\">\(text)</p>"
        }
        let sections: [(id: String, title: String, body: HTML)] = [
            ("person", t("case.person"), personSection(d, context)),
            ("responsibility", t("case.responsibility"), responsibilitySection(d, context)),
            ("assessment", t("case.assessment"), assessmentSection(d, context)),
            ("plan", t("case.plan"), planSection(d, context)),
            ("reviews", t("case.reviews"), reviewsSection(d, context)),
            ("budget", t("case.budget"), budgetSection(d, context)),
            ("consents", t("case.consents"), consentsSection(d, context)),
            ("referrals", t("case.referrals"), referralsSection(d, context)),
            ("documents", t("case.documents"), documentsSection(d, context)),
            ("tasks", t("case.tasks"), tasksSection(d, context)),
            ("timeline", t("case.timeline"), timelineSection(d, context)),
        ]
        let toc: [HTML] = sections.map { "<li><a href=\"#\($0.id)\">\($0.title)</a></li>" }
        let body: [HTML] = sections.map { "<section id=\"\($0.id)\" aria-labelledby=\"\($0.id)-h\"><h2 id=\"\($0.id)-h\">\($0.title)</h2>\($0.body)</section>" }
        var actions: HTML = .empty
        if context.caller.isCaseworker && !closed {
            let person = d["person"]?["personId"]?.stringValue.map { "?person=" + $0 } ?? ""
            let links: [HTML] = CaseForms.caseActions(context).map { "<li><a href=\"/cases/\(caseId)/\($0.path)\(person)\">\($0.label)</a></li>" }
            actions = "<nav aria-label=\"\(t("case.actions"))\"><ul class=\"actions\">\(links)</ul></nav>"
        }
        let status: HTML = closed
            ? "<p class=\"warning\">\(t("case.closed", ["date": SwissFormat.date(d["closure"]?["closedOn"]?.stringValue ?? ""), "reason": context.code("closure", d["closure"]?["reason"]?.stringValue)]))</p>"
            : .empty
        return context.page(name.isEmpty ? t("case.title") : name, """
            \(notice)\(status)
            \(actions)
            <nav aria-label="\(t("case.contents"))" class="no-print"><ul class="toc">\(toc)</ul></nav>
            \(body)
            """)
    }

    // MARK: Sections

    static func personSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        guard let p = d["person"], p != .null else { return "<p class=\"muted\">\(c.t("case.person.none"))</p>" }
        let languages = (p["languages"]?.arrayValue ?? []).compactMap(\.stringValue).map { c.code("lang", $0) }.joined(separator: ", ")
        return facts([
            (c.t("field.givenName"), "\(p["givenName"]?.stringValue)"),
            (c.t("field.familyName"), "\(p["familyName"]?.stringValue)"),
            (c.t("field.dateOfBirth"), "\(SwissFormat.date(p["dateOfBirth"]?.stringValue ?? ""))"),
            (c.t("field.zemisNumber"), "\(p["zemisNumber"]?.stringValue ?? "–")"),
            (c.t("field.sex"), "\(c.code("sex", p["sex"]?.stringValue))"),
            (c.t("field.nationality"), "\(p["nationality"]?.stringValue)"),
            (c.t("field.languages"), "\(languages)"),
            (c.t("field.status"), "\(c.code("status", d["status"]?.stringValue ?? p["status"]?.stringValue))"),
            (c.t("field.enteredCantonOn"), "\(SwissFormat.date(p["enteredCantonOn"]?.stringValue ?? ""))"),
            (c.t("field.accommodation"), "\(c.code("accommodation", p["accommodation"]?.stringValue))"),
        ])
    }

    static func responsibilitySection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let current: HTML = "<p>\(c.t("case.responsible.now")): <strong>\(Organisations.label(d["responsibleOrg"]?.stringValue ?? "", c))</strong></p>"
        let rows: [HTML] = (d["responsibilityHistory"]?.arrayValue ?? []).map { r in
            "<tr><td>\(SwissFormat.date(r["since"]?.stringValue ?? ""))</td><td>\(Organisations.label(r["org"]?.stringValue ?? "", c))</td><td>\(c.code("transfer", r["reason"]?.stringValue))</td><td>\(r["fromOrg"]?.stringValue.map { Organisations.label($0, c) } ?? "–")</td></tr>"
        }
        return current + table(c.t("case.responsibility.history"), [c.t("col.since"), c.t("col.organisation"), c.t("col.reason"), c.t("col.from")], rows, c)
    }

    static func assessmentSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        var out: HTML = .empty
        if let g = d["targetGroup"], g != .null {
            out += facts([
                (c.t("field.targetGroup"), "\(c.code("targetGroup", g["targetGroup"]?.stringValue))"),
                (c.t("field.pathway"), "\(c.code("pathway", g["pathway"]?.stringValue))"),
                (c.t("field.decidedOn"), "\(SwissFormat.date(g["decidedOn"]?.stringValue ?? ""))"),
                (c.t("field.rule"), "\(g["ruleId"]?.stringValue.map { c.code("rule", $0) } ?? c.t("case.override")) \(g["overrideReason"]?.stringValue.map { "– " + $0 } ?? "")"),
            ])
        } else {
            out += "<p class=\"muted\">\(c.t("case.targetGroup.none"))</p>"
        }
        let rows: [HTML] = (d["assessments"]?.arrayValue ?? []).map { a in
            let levels = a["languageLevels"]
            let language = ["listening", "speaking", "reading", "writing"].compactMap { levels?[$0]?.stringValue }.joined(separator: " / ")
            return "<tr><td>\(SwissFormat.date(a["heldOn"]?.stringValue ?? ""))</td><td>\(c.code("assessmentKind", a["kind"]?.stringValue))</td><td>\(language)</td><td class=\"num\">\(a["schoolYears"]?.intValue ?? 0)</td><td>\(c.code("health", a["healthRestriction"]?.stringValue))</td></tr>"
        }
        return out + table(c.t("case.assessments"), [c.t("col.heldOn"), c.t("col.kind"), c.t("col.language"), c.t("col.schoolYears"), c.t("col.health")], rows, c)
    }

    static func planSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        guard let plan = d["plan"], plan != .null else { return "<p class=\"muted\">\(c.t("case.plan.none"))</p>" }
        let agreement = plan["agreement"]
        var out = facts([
            (c.t("field.planStatus"), "\(c.code("planStatus", plan["status"]?.stringValue))"),
            (c.t("field.pathway"), "\(c.code("pathway", plan["pathway"]?.stringValue))"),
            (c.t("field.agreement"), agreement == nil || agreement == .null ? "\(c.t("case.agreement.none"))" : "\(c.t("case.agreement.signed", ["date": SwissFormat.date(agreement?["signedOn"]?.stringValue ?? "")]))"),
            (c.t("field.nextReviewDue"), "\(plan["nextReviewDue"]?.stringValue.map(SwissFormat.date) ?? "–")"),
        ])
        let rows: [HTML] = (plan["measures"]?.arrayValue ?? []).map { m in
            let id = m["measureId"]?.stringValue ?? ""
            let change: HTML = c.caller.isCaseworker
                ? "<a class=\"no-print sub-action\" href=\"/cases/\(d["caseId"]?.stringValue ?? "")/measures/\(id)/state\">\(c.t("action.changeState"))</a>" : .empty
            return "<tr id=\"measure-\(id)\"><td>\(c.code("measure", m["catalogCode"]?.stringValue))</td><td>\(c.code("measureStatus", m["status"]?.stringValue))\(change)</td><td>\(SwissFormat.date(m["startsOn"]?.stringValue ?? ""))\(m["endsOn"]?.stringValue.map { " – " + SwissFormat.date($0) } ?? "")</td><td>\(m["provider"]?.stringValue ?? m["partner"]?.stringValue ?? "–")</td><td class=\"num\">\(SwissFormat.chf(rappen: m["estimatedCostRappen"]?.intValue ?? 0))</td></tr>"
        }
        out += table(c.t("case.measures"), [c.t("col.measure"), c.t("col.state"), c.t("col.period"), c.t("col.provider"), c.t("col.estimate")], rows, c)
        return out
    }

    static func reviewsSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let reviews = (d["timeline"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "plan.PlanReviewed" }
        let rows: [HTML] = reviews.reversed().map { e in
            "<tr><td>\(SwissFormat.date(e["data"]?["heldOn"]?.stringValue ?? ""))</td><td>\(c.code("reviewOutcome", e["data"]?["outcome"]?.stringValue))</td><td>\(e["data"]?["nextReviewDue"]?.stringValue.map(SwissFormat.date) ?? "–")</td><td>\(Organisations.label(e["actorOrg"]?.stringValue ?? "", c))</td></tr>"
        }
        return table(c.t("case.reviews"), [c.t("col.heldOn"), c.t("col.outcome"), c.t("field.nextReviewDue"), c.t("col.by")], rows, c)
    }

    static func budgetSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        guard let b = d["budget"], b != .null else { return "<p class=\"muted\">\(c.t("case.budget.none"))</p>" }
        var out = facts([
            (c.t("field.lumpSum"), "\(SwissFormat.chf(rappen: b["lumpSumRappen"]?.intValue ?? 0))"),
            (c.t("field.committed"), "\(SwissFormat.chf(rappen: b["committedRappen"]?.intValue ?? 0))"),
            (c.t("field.spent"), "\(SwissFormat.chf(rappen: b["spentRappen"]?.intValue ?? 0))"),
            (c.t("field.remaining"), "\(SwissFormat.chf(rappen: b["remainingRappen"]?.intValue ?? 0))"),
        ])
        let measures = Dictionary((d["plan"]?["measures"]?.arrayValue ?? []).compactMap { m in m["measureId"]?.stringValue.map { ($0, m) } },
                                  uniquingKeysWith: { a, _ in a })
        let rows: [HTML] = (b["approvals"]?.arrayValue ?? []).map { a in
            let id = a["approvalId"]?.stringValue ?? ""
            let measure = a["measureId"]?.stringValue.flatMap { measures[$0] }
            let decision = a["decision"]?.stringValue
            var links: [HTML] = []
            if decision == nil, c.caller.isApprover { links.append("<a href=\"/cost-approvals/\(id)/decide?case=\(d["caseId"]?.stringValue ?? "")\">\(c.t("action.decide"))</a>") }
            if decision == "granted" || decision == "partially_granted", c.caller.isCaseworker {
                links.append("<a href=\"/cost-approvals/\(id)/charge?case=\(d["caseId"]?.stringValue ?? "")\">\(c.t("action.charge"))</a>")
            }
            return "<tr id=\"approval-\(id)\"><td>\(c.code("measure", measure?["catalogCode"]?.stringValue))</td><td class=\"num\">\(a["requestedRappen"]?.intValue.map { SwissFormat.chf(rappen: $0) } ?? "–")</td><td>\(decision.map { c.code("decision", $0) } ?? c.t("case.approval.pending"))</td><td class=\"num\">\(SwissFormat.chf(rappen: a["grantedRappen"]?.intValue ?? 0))</td><td class=\"num\">\(SwissFormat.chf(rappen: a["chargedRappen"]?.intValue ?? 0))</td><td>\(links)</td></tr>"
        }
        out += table(c.t("case.approvals"), [c.t("col.measure"), c.t("col.requested"), c.t("col.decision"), c.t("col.granted"), c.t("col.charged"), c.t("col.actions")], rows, c)
        return out
    }

    static func consentsSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let caseId = d["caseId"]?.stringValue ?? ""
        let rows: [HTML] = (d["consents"]?.arrayValue ?? []).map { k in
            let id = k["consentId"]?.stringValue ?? ""
            let active = ["valid", "not_yet_valid"].contains(k["state"]?.stringValue ?? "")
            let withdraw: HTML = active && c.caller.isCaseworker
                ? "<a href=\"/cases/\(caseId)/consents/\(id)/withdraw\">\(c.t("action.withdraw"))</a>" : .empty
            return "<tr><td>\(c.code("partner", k["partner"]?.stringValue))</td><td>\(SwissFormat.date(k["givenOn"]?.stringValue ?? ""))</td><td>\(k["expiresOn"]?.stringValue.map(SwissFormat.date) ?? "–")</td><td>\(c.code("consentState", k["state"]?.stringValue))</td><td>\(withdraw)</td></tr>"
        }
        return table(c.t("case.consents"), [c.t("col.partner"), c.t("col.givenOn"), c.t("col.expiresOn"), c.t("col.state"), c.t("col.actions")], rows, c)
    }

    static func referralsSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let rows: [HTML] = (d["referrals"]?.arrayValue ?? []).map { r in
            let answer = [r["acceptedOn"]?.stringValue.map { c.t("referral.accepted") + " " + SwissFormat.date($0) },
                          r["enrolledOn"]?.stringValue.map { c.t("referral.enrolled") + " " + SwissFormat.date($0) },
                          r["endedOn"]?.stringValue.map { c.t("referral.ended") + " " + SwissFormat.date($0) }].compactMap { $0 }.joined(separator: "; ")
            return "<tr><td>\(c.code("partner", r["partner"]?.stringValue))</td><td>\(c.code("measure", r["catalogCode"]?.stringValue))</td><td>\(c.code("referralStatus", r["status"]?.stringValue))</td><td>\(answer.isEmpty ? "–" : answer)</td></tr>"
        }
        return table(c.t("case.referrals"), [c.t("col.partner"), c.t("col.measure"), c.t("col.state"), c.t("col.answer")], rows, c)
    }

    static func documentsSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let caseId = d["caseId"]?.stringValue ?? ""
        let rows: [HTML] = (d["documents"]?.arrayValue ?? []).map { doc in
            let id = doc["documentId"]?.stringValue ?? ""
            let current = doc["current"]
            let size = current?["sizeBytes"]?.intValue ?? 0
            return "<tr><td><a href=\"/cases/\(caseId)/documents/\(id)/content\">\(doc["title"]?.stringValue ?? id)</a></td><td>\(c.code("category", doc["category"]?.stringValue))</td><td>\(doc["issuedOn"]?.stringValue.map(SwissFormat.date) ?? "–")</td><td class=\"num\">\(current?["version"]?.intValue ?? 1)</td><td class=\"num\">\(Self.size(size))</td><td>\(SwissFormat.dateTime(doc["addedAt"]?.stringValue ?? ""))</td></tr>"
        }
        var upload: HTML = .empty
        if c.caller.isCaseworker { upload = "<p class=\"no-print\"><a href=\"/cases/\(caseId)/documents/new\">\(c.t("action.upload"))</a></p>" }
        return upload + table(c.t("case.documents"), [c.t("col.title"), c.t("col.category"), c.t("col.issuedOn"), c.t("col.version"), c.t("col.size"), c.t("col.added")], rows, c)
    }

    static func tasksSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let caseId = d["caseId"]?.stringValue ?? ""
        let rows: [HTML] = (d["openTasks"]?.arrayValue ?? []).map { task in
            let id = task["taskId"]?.stringValue ?? ""
            return "<tr><td>\(c.code("task", task["kind"]?.stringValue))</td><td>\(Organisations.label(task["assigneeOrg"]?.stringValue ?? "", c))</td><td>\(task["dueOn"]?.stringValue.map(SwissFormat.date) ?? "–")</td><td><a href=\"/tasks/\(id)/complete?case=\(caseId)\">\(c.t("queue.complete"))</a></td></tr>"
        }
        return table(c.t("case.tasks"), [c.t("queue.kind"), c.t("queue.assignee"), c.t("queue.due"), c.t("col.actions")], rows, c)
    }

    static func timelineSection(_ d: JSONValue, _ c: PageContext) -> HTML {
        let rows: [HTML] = (d["timeline"]?.arrayValue ?? []).reversed().prefix(200).map { e in
            "<tr><td>\(SwissFormat.dateTime(e["time"]?.stringValue ?? ""))</td><td>\(c.code("event", e["type"]?.stringValue))</td><td>\(Organisations.label(e["actorOrg"]?.stringValue ?? "", c))</td></tr>"
        }
        return table(c.t("case.timeline"), [c.t("col.when"), c.t("col.what"), c.t("col.by")], rows, c)
    }

    // MARK: Parts

    static func facts(_ pairs: [(String, HTML)]) -> HTML {
        let items: [HTML] = pairs.map { "<dt>\($0.0)</dt><dd>\($0.1.isEmpty ? "–" : $0.1)</dd>" }
        return "<dl class=\"facts\">\(items)</dl>"
    }

    static func table(_ caption: String, _ headers: [String], _ rows: [HTML], _ c: PageContext) -> HTML {
        guard !rows.isEmpty else { return "<p class=\"muted\">\(c.t("case.none", ["what": caption]))</p>" }
        let head: [HTML] = headers.map { "<th scope=\"col\">\($0)</th>" }
        return "<table><caption class=\"visually-hidden\">\(caption)</caption><thead><tr>\(head)</tr></thead><tbody>\(rows)</tbody></table>"
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000) : "\(max(1, bytes / 1000)) kB"
    }
}

extension PageContext {
    /// The `{caseId}` of the path, checked to be a UUID before it goes into a service's path.
    func caseIdParameter(_ name: String = "caseId") throws -> String {
        let value = try request.parameter(name)
        guard UUID(uuidString: value) != nil else { throw BackendError.refused(ServiceProblem.notFound) }
        return value.lowercased()
    }

    /// The event the previous form produced (`?event=<uuid>` of the redirect): the next read
    /// waits until the service has applied it.
    var awaitedEvent: String? {
        request.query["event"].flatMap { UUID(uuidString: $0) != nil ? $0.lowercased() : nil }
    }
}

extension ServiceProblem {
    /// The case is known but its person has not reached the dossier yet: a moment later it has.
    static let notYet = ServiceProblem(service: .coordination, status: 503, body: Array(#"{"detail":"the person is not in the dossier yet"}"#.utf8), retryAfter: "1")
    static let notFound = ServiceProblem(service: .coordination, status: 404, body: Array(#"{"detail":"not a case id"}"#.utf8), retryAfter: nil)
}

import Foundation
import IASContracts
import IASRuntime

/// The dossier's response body, written member by member. `JSONCoding.encoder` gave the same
/// bytes (DossierJSONTests compare the two) but spent most of a read's CPU boxing values.
/// Members appear sorted by their UTF-8 bytes, as `.sortedKeys` orders them; nil members
/// are left out, as synthesized `Encodable` leaves them out.
extension Dossier {
    func json() throws -> [UInt8] {
        var w = JSONWriter(capacity: 16_384)
        w.beginObject()
        w.member("assessments", assessments) { w, a in a.write(to: &w) }
        if let budget { w.key("budget"); budget.write(to: &w) }
        w.member("caseId", caseId)
        if let closure {
            w.key("closure")
            w.beginObject()
            w.member("closedOn", closure.closedOn)
            w.member("outcome", closure.outcome)
            w.member("reason", closure.reason)
            w.endObject()
        }
        w.member("consents", consents) { w, c in c.write(to: &w) }
        w.member("deviations", deviations) { w, d in
            w.beginObject()
            w.member("flaggedOn", d.flaggedOn)
            w.member("kind", d.kind)
            w.member("measureId", d.measureId)
            w.endObject()
        }
        w.member("finalReports", finalReports) { w, r in
            w.beginObject()
            w.member("fromOrg", r.fromOrg)
            w.member("issuedOn", r.issuedOn)
            w.member("planId", r.planId)
            w.member("reportId", r.reportId)
            w.member("toOrg", r.toOrg)
            w.endObject()
        }
        w.member("openTasks", openTasks) { w, t in t.write(to: &w) }
        if let person { w.key("person"); person.write(to: &w) }
        if let plan { w.key("plan"); plan.write(to: &w) }
        w.member("referrals", referrals) { w, r in r.write(to: &w) }
        if let regularisation {
            w.key("regularisation")
            w.beginObject()
            w.member("decidedOn", regularisation.decidedOn)
            w.member("previousStatus", regularisation.previousStatus)
            w.member("status", regularisation.status)
            w.endObject()
        }
        w.member("responsibilityHistory", responsibilityHistory) { w, r in
            w.beginObject()
            w.member("fromOrg", r.fromOrg)
            w.member("org", r.org)
            w.member("reason", r.reason)
            w.member("since", r.since)
            w.endObject()
        }
        w.member("responsibleOrg", responsibleOrg)
        w.member("status", status)
        if let targetGroup { w.key("targetGroup"); targetGroup.write(to: &w) }
        w.member("targetGroupHistory", targetGroupHistory) { w, d in d.write(to: &w) }
        w.key("timeline")
        w.beginArray()
        for entry in timeline {
            w.beginObject()
            w.member("actorOrg", entry.actorOrg)
            w.key("data")
            try w.json(text: entry.data.text)
            w.member("eventId", entry.eventId)
            w.member("source", entry.source)
            w.member("time", entry.time)
            w.member("type", entry.type)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

extension Dossier.Person {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("accommodation", accommodation)
        w.member("dateOfBirth", dateOfBirth)
        w.member("enteredCantonOn", enteredCantonOn)
        w.member("familyName", familyName)
        w.member("givenName", givenName)
        w.member("householdId", householdId)
        w.member("languages", languages) { w, l in w.string(l) }
        w.member("nationality", nationality)
        w.member("personId", personId)
        w.member("sex", sex)
        w.member("status", status)
        w.member("statusDecidedOn", statusDecidedOn)
        w.member("version", version)
        w.member("zemisNumber", zemisNumber)
        w.endObject()
    }
}

extension DossierSections.Assessment {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("assessmentId", assessmentId)
        w.member("childcareDuties", childcareDuties)
        w.member("healthRestriction", healthRestriction)
        w.member("heldOn", heldOn)
        w.member("kind", kind)
        w.key("languageLevels")
        w.beginObject()
        w.member("listening", languageLevels.listening.rawValue)
        w.member("reading", languageLevels.reading.rawValue)
        w.member("speaking", languageLevels.speaking.rawValue)
        w.member("writing", languageLevels.writing.rawValue)
        w.endObject()
        w.member("literate", literate)
        w.member("schoolYears", schoolYears)
        w.member("vocationalYears", vocationalYears)
        w.endObject()
    }
}

extension DossierSections.TargetGroupDecision {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("ageAtDecision", ageAtDecision)
        w.member("assessmentId", assessmentId)
        w.member("decidedBy", decidedBy)
        w.member("decidedOn", decidedOn)
        w.member("overrideReason", overrideReason)
        w.member("pathway", pathway)
        w.member("potentialAssessmentDue", potentialAssessmentDue)
        w.member("ruleId", ruleId)
        w.member("ruleSetVersion", ruleSetVersion)
        w.member("targetGroup", targetGroup)
        w.endObject()
    }
}

extension DossierSections.Plan {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let agreement {
            w.key("agreement")
            w.beginObject()
            w.member("goalCount", agreement.goalCount)
            w.member("reviewEveryMonths", agreement.reviewEveryMonths)
            w.member("signedOn", agreement.signedOn)
            w.endObject()
        }
        w.member("lastReviewOn", lastReviewOn)
        w.member("lastReviewOutcome", lastReviewOutcome)
        w.member("measures", measures) { w, m in
            w.beginObject()
            w.member("catalogCode", m.catalogCode)
            w.member("endsOn", m.endsOn)
            w.member("estimatedCostRappen", m.estimatedCostRappen)
            w.member("fieldOfAction", m.fieldOfAction)
            w.member("fundingSource", m.fundingSource)
            w.member("measureId", m.measureId)
            w.member("partner", m.partner)
            w.member("provider", m.provider)
            w.member("startsOn", m.startsOn)
            w.member("status", m.status)
            w.member("statusOn", m.statusOn)
            w.endObject()
        }
        w.member("nextReviewDue", nextReviewDue)
        w.member("pathway", pathway)
        w.member("planId", planId)
        w.member("status", status)
        w.member("targetGroup", targetGroup)
        w.endObject()
    }
}

extension DossierSections.Budget {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("approvals", approvals) { w, a in
            w.beginObject()
            w.member("approvalId", a.approvalId)
            w.member("chargedRappen", a.chargedRappen)
            w.member("decidedOn", a.decidedOn)
            w.member("decision", a.decision)
            w.member("fundingSource", a.fundingSource)
            w.member("grantedRappen", a.grantedRappen)
            w.member("measureId", a.measureId)
            w.member("requestedRappen", a.requestedRappen)
            w.endObject()
        }
        w.member("committedRappen", committedRappen)
        w.member("lumpSumRappen", lumpSumRappen)
        w.member("openedOn", openedOn)
        w.member("remainingRappen", remainingRappen)
        w.member("spentRappen", spentRappen)
        w.member("thresholdReachedPercent", thresholdReachedPercent)
        w.endObject()
    }
}

extension TaskRecord {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("assigneeOrg", assigneeOrg)
        w.member("caseId", caseId)
        w.member("completedAt", completedAt)
        w.member("completedByOrg", completedByOrg)
        w.member("dueOn", dueOn)
        w.member("kind", kind.rawValue)
        w.member("notes", notes)
        w.member("openedAt", openedAt)
        w.member("outcome", outcome)
        w.member("status", status)
        w.member("subjectRef", subjectRef)
        w.member("taskId", taskId)
        w.endObject()
    }
}

extension ConsentRecord {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("caseId", caseId)
        w.member("consentId", consentId)
        w.member("documentRef", documentRef)
        w.member("expiresOn", expiresOn)
        w.member("givenOn", givenOn)
        w.member("partner", partner)
        w.member("recordedAt", recordedAt)
        w.member("recordedByOrg", recordedByOrg)
        w.member("state", state)
        w.member("withdrawnAt", withdrawnAt)
        w.member("withdrawnByOrg", withdrawnByOrg)
        w.endObject()
    }
}

extension ReferralRecord {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("acceptedOn", acceptedOn)
        w.member("caseId", caseId)
        w.member("catalogCode", catalogCode)
        w.member("consentId", consentId)
        w.member("createdAt", createdAt)
        w.member("endedOn", endedOn)
        w.member("enrolledOn", enrolledOn)
        w.member("legalBasisOverride", legalBasisOverride)
        w.member("measureId", measureId)
        w.member("outcome", outcome)
        w.member("overrideReason", overrideReason)
        w.member("partner", partner)
        w.member("referralId", referralId)
        w.member("sentAt", sentAt)
        w.member("sentByOrg", sentByOrg)
        w.member("startsOn", startsOn)
        w.member("status", status)
        w.endObject()
    }
}

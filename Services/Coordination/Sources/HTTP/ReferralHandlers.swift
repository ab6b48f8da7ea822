import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `POST/GET /cases/{caseId}/referrals`.
extension CoordinationApp {
    func sendReferral(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let body = try context.request.decode(SendReferralRequest.self)
        try Problem.throwIfInvalid(body.validate())
        let overrideReason = body.legalBasisOverride?.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if overrideReason != nil, !AccessPolicy.mayOverrideLegalBasis(context.caller) {
            throw Problem.forbidden("only an approver of the canton's KSD or DVI records a legal basis in place of consent")
        }
        let cause = context.cause
        return try host.write(context) { c in
            let snapshot = try context.access(CaseSnapshot.lock(caseId, on: c), forChange: true)
            guard let measure = try MeasureFacts.find(body.measureId, on: c), measure.caseId == caseId else {
                throw Refusal.notFound("no measure with this id in this case")
            }
            guard let partner = measure.partner else {
                throw Refusal.breaksRule("measure \(measure.catalogCode) is not delivered by a partner; nothing to refer")
            }
            let existing = try ReferralStore.forMeasure(measure.measureId, on: c)
            if let existing, existing.status != "awaiting_consent" {
                throw Refusal.conflict("this measure was already referred (referral \(existing.referralId), \(existing.status))")
            }
            let consentId = try ConsentStore.valid(caseId: caseId, partner: partner, on: c)
            guard consentId != nil || overrideReason != nil else {
                throw Refusal.breaksRule("no valid consent of the person for \(partner): record one first, or an approver records the legal basis")
            }
            let referralId = try existing?.referralId ?? ReferralStore.insertAwaiting(measure, partner: partner, on: c)
            // With a valid consent the override is not needed, and not recorded.
            try ReferralDispatcher.send(referralId: referralId, measure: measure, partner: partner, snapshot: snapshot,
                                        consentId: consentId, overrideReason: consentId == nil ? overrideReason : nil, cause: cause, on: c)
            guard let referral = try ReferralStore.find(referralId, on: c) else { throw Refusal.notFound("no referral with this id") }
            return .json(referral, status: 201, headers: [("Location", "/cases/\(caseId)/referrals")])
        }
    }

    func listReferrals(_ context: RequestContext) throws -> HTTPResponse {
        try host.casePage(context, case: { id, c in try CaseSnapshot.find(id, on: c) },
                          records: { id, page, c in try ReferralStore.list(caseId: id, after: page.after, limit: page.fetchLimit, on: c) }, key: \.referralId)
    }

    /// `GET /referrals?partner=&status=&caseId=`: the referrals that concern the caller across cases —
    /// every one for KSD and DVI, those of its cases for a municipality, those sent to RAV for
    /// AWA and RAV, those sent to BKS for BKS (`AccessPolicy.referralScope`).
    func listReferralsInScope(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var filter = ReferralStore.Filter(limit: page.fetchLimit)
        filter.after = page.after
        var query = QueryParameters(request)
        filter.partner = query.choice("partner", among: ConsentRules.partners)
        filter.status = query.choice("status", among: ReferralStore.statuses)
        filter.caseId = query.identifier("caseId", "must be a case id")
        try query.throwIfInvalid()
        filter.scope = AccessPolicy.referralScope(context.organisation)
        if filter.scope == .none { throw Problem.forbidden("your organisation has no referrals here") }
        context.recordFilter(["partner": filter.partner, "status": filter.status, "caseId": filter.caseId?.description, "cursor": page.after?.description,
                              "limit": String(page.limit)])
        let listed = page.page(try host.read { try ReferralStore.list(filter, on: $0) }) { $0.referralId }
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.caseId, personId: nil) })
        return .json(listed)
    }
}

import Foundation
import IASContracts
import IASMessaging
import IASRuntime
import TestSupport

/// The events of the services upstream of plan and costs (intake, assessment, plan,
/// coordination), built from the contract's payload types and published straight onto their
/// topics, so that plan and costs can be driven without the services that own them.
final class UpstreamEvents {
    private let events: EventPublisher

    init(_ name: String) throws { events = try EventPublisher(clientId: "e2e-\(name)") }

    func close() { events.close() }

    private func publish<E: EventPayload>(_ payload: E, _ caseId: String) throws { try events.publish(payload, subject: caseId) }
    private func id(_ text: String) -> Identifier { Identifier(text)! }
    private func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func registered(_ caseId: String, status: String, dateOfBirth: String = "1990-05-14", org: String = "canton:KSD") throws {
        try publish(PersonRegistered.sample(caseId: id(caseId), givenName: "Test", familyName: "Person", dateOfBirth: day(dateOfBirth),
                                            status: ResidenceStatus(rawValue: status)!, enteredCantonOn: day("2026-03-02"),
                                            statusDecidedOn: status == "N" ? nil : day("2026-02-20"), responsibleOrg: org), caseId)
    }

    func regularized(_ caseId: String, to status: String = "VA", on date: String = "2026-06-01") throws {
        try publish(StatusRegularized(personId: Identifier(), caseId: id(caseId), previousStatus: .N, status: ResidenceStatus(rawValue: status)!,
                                      decidedOn: day(date)), caseId)
    }

    func transferred(_ caseId: String, from: String, to: String, reason: String = "assignment") throws {
        try publish(ResponsibilityTransferred(personId: Identifier(), caseId: id(caseId), fromOrg: from, toOrg: to, effectiveOn: day("2026-10-01"),
                                              reason: TransferReason(rawValue: reason)!), caseId)
    }

    func targetGroup(_ caseId: String, _ group: String, pathway: String, on date: String = "2026-04-01") throws {
        try publish(TargetGroupAssigned(caseId: id(caseId), targetGroup: TargetGroup(rawValue: group)!, pathway: pathway, decidedOn: day(date),
                                        ageAtDecision: 35, ruleSetVersion: "2026.1", ruleId: "e2e", potentialAssessmentDue: false), caseId)
    }

    func partnerUpdate(_ caseId: String, measureId: String, update: String, outcome: String? = nil) throws {
        try publish(PartnerUpdateReceived(caseId: id(caseId), referralId: Identifier(), partner: "partner:RAV", measureId: id(measureId),
                                          update: PartnerUpdateKind(rawValue: update)!, on: day("2026-11-02"), outcome: outcome), caseId)
    }

    func measurePlanned(_ caseId: String, measureId: String, code: String = "AMIPLUS", funding: String = "lump_sum", cost: Int = 600_000) throws {
        try publish(MeasurePlanned(caseId: id(caseId), planId: Identifier(), measureId: id(measureId), catalogCode: code, fieldOfAction: "work",
                                   fundingSource: FundingSource(rawValue: funding)!, startsOn: day("2026-05-01"), estimatedCostRappen: cost), caseId)
    }
}

import IASMessaging

/// Every event and partner message type of the contract, by wire type. The fixture tests
/// check that each has a golden JSON example that decodes into its payload type.
public enum EventCatalog {
    public static let all: [any EventPayload.Type] = [
        PersonRegistered.self, StatusRegularized.self, ResponsibilityTransferred.self, PersonDataCorrected.self, CaseClosed.self,
        CaseKeyIssued.self, CaseKeyDestroyed.self,
        StatusMeetingRecorded.self, AssessmentCompleted.self, TargetGroupAssigned.self,
        PlanDrafted.self, AgreementSigned.self, MeasurePlanned.self, MeasureStatusChanged.self, PlanDeviationFlagged.self,
        PlanReviewed.self, FinalReportIssued.self,
        BudgetOpened.self, CostApprovalRequested.self, CostApprovalDecided.self, ChargeBooked.self, BudgetThresholdReached.self,
        ReferralSent.self, PartnerUpdateReceived.self, TaskOpened.self, TaskCompleted.self, TaskEscalated.self, DocumentAdded.self, DocumentWithdrawn.self,
        AuditTrailAnchored.self,
        ReferralRequested.self, ReferralAccepted.self, MeasureEnrolled.self, MeasureEnded.self,
        PersonalDataAccessed.self,
    ]

    public static func payloadType(for eventType: String) -> (any EventPayload.Type)? {
        all.first { $0.eventType == eventType }
    }
}

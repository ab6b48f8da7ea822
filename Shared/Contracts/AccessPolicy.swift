import IASRuntime

/// Who may do what (CONTRACT.md, "Identity and access"), written once. Every service asks these
/// questions on every request: the request pipeline checks the route's `Permission` against the
/// caller's roles and organisation before a handler runs, and the handler narrows to cases with
/// the scope questions below, using the responsible organisation it learnt from intake's events,
/// so that access moves with a handover. No service decides access by organisation kind itself.
public enum AccessPolicy {
    /// The roles that read personal data and reference data. `admin` is an operations role: it
    /// reads nothing beyond the operational endpoints on its own.
    public static let readingRoles: Set<Role> = [.caseworker, .approver, .auditor]

    // MARK: Operations

    /// Nil when `caller` may perform `permission` at all (the case scope is checked afterwards),
    /// else the reason for the 403, safe to show the caller.
    public static func refusal(of permission: Permission, by caller: Caller) -> String? {
        switch permission {
        case .readReference, .readCases:
            return caller.roles.isDisjoint(with: readingRoles) ? "reading needs one of the roles caseworker, approver or auditor" : nil
        case .writeCases:
            return caller.roles.contains(.caseworker) ? nil : "changes need the role caseworker (auditor and approver alone are read-only)"
        case .decideCosts:
            guard caller.roles.contains(.approver) else { return "cost decisions need the role approver" }
            return seesEveryCase(caller.organisation) ? nil : "only approvers of the canton's KSD or DVI decide cost approvals"
        case .readAuditTrail:
            guard caller.roles.contains(.auditor) else { return "the audit trail needs the role auditor" }
            return seesEveryCase(caller.organisation) ? nil : "only auditors of the canton's KSD or DVI read the audit trail"
        case .exportSubjectData:
            // The export holds the audit trail and every case of the person: the same office that
            // reads the trail answers the request, for the canton as the controller.
            guard caller.roles.contains(.auditor) else { return "the export of a person's data needs the role auditor" }
            return seesEveryCase(caller.organisation) ? nil : "only auditors of the canton's KSD or DVI export a person's data"
        case .readIndicators:
            guard !caller.roles.isDisjoint(with: readingRoles) else { return "reading needs one of the roles caseworker, approver or auditor" }
            if case .canton = caller.organisation { return nil }
            return "the indicators are for the canton's offices"
        }
    }

    // MARK: Cases

    /// Canton KSD and DVI are the case offices that see every case.
    public static func seesEveryCase(_ org: Organisation) -> Bool {
        org == .canton("KSD") || org == .canton("DVI")
    }

    /// The municipality an organisation acts for: itself, or the one a delegate works for.
    public static func actingMunicipality(_ org: Organisation) -> Int? {
        switch org {
        case .municipality(let bfs), .delegate(_, let bfs): return bfs
        default: return nil
        }
    }

    /// Which cases an organisation reaches: every case, those of one municipality (and its
    /// delegates) as long as it is responsible for them, or none (AWA, BKS and partners see only
    /// what concerns them: referrals and the partner exchange).
    public enum CaseScope: Equatable, Sendable {
        case every
        case municipality(Int)
        case none
    }

    public static func caseScope(_ org: Organisation) -> CaseScope {
        if seesEveryCase(org) { return .every }
        if let bfs = actingMunicipality(org) { return .municipality(bfs) }
        return .none
    }

    /// Whether `org` reaches a case for which `responsibleOrg` is currently responsible.
    public static func mayAccessCase(_ org: Organisation, responsibleOrg: String) -> Bool {
        switch caseScope(org) {
        case .every: return true
        case .none: return false
        case .municipality(let own):
            guard let responsible = Organisation(responsibleOrg) else { return false }
            return actingMunicipality(responsible) == own
        }
    }

    /// The canton steers every case; a municipality hands over only what it is responsible for.
    /// Its delegates do the work but do not give the case away.
    public static func mayHandOver(_ org: Organisation, currentlyResponsible: Organisation) -> Bool {
        if seesEveryCase(org) { return true }
        guard case .municipality(let bfs) = org else { return false }
        return actingMunicipality(currentlyResponsible) == bfs
    }

    /// A legal basis in place of the person's consent is recorded by an approver of a case office.
    public static func mayOverrideLegalBasis(_ caller: Caller) -> Bool {
        caller.roles.contains(.approver) && seesEveryCase(caller.organisation)
    }

    /// Who a caller without the right to see a record should contact instead: the cantonal
    /// social service, which sees every case and can arrange a handover.
    public static let contactForOtherOfficesCases = Organisation.canton("KSD")

    // MARK: Tasks

    /// Which tasks an organisation lists and works on.
    public enum TaskScope: Equatable, Sendable {
        case every
        /// Tasks assigned to the municipality or its delegates, of cases it is responsible for now.
        case municipality(Int)
        /// Tasks assigned to this office itself (AWA, BKS).
        case office(String)
        case none

        /// Whether tasks assigned to `assignee` can be in this scope at all.
        public func includes(assignee: Organisation) -> Bool {
            switch self {
            case .every: return true
            case .municipality(let own): return AccessPolicy.actingMunicipality(assignee) == own
            case .office(let own): return assignee.description == own
            case .none: return false
            }
        }
    }

    public static func taskScope(_ org: Organisation) -> TaskScope {
        switch caseScope(org) {
        case .every: return .every
        case .municipality(let bfs): return .municipality(bfs)
        case .none:
            if case .canton = org { return .office(org.description) }
            return .none
        }
    }

    /// Whether `org` may see or complete a task assigned to `assigneeOrg` on a case for which
    /// `responsibleOrg` is now responsible: after a handover the previous municipality loses
    /// the case's tasks, open or done.
    public static func mayWorkOnTask(_ org: Organisation, assigneeOrg: String, responsibleOrg: String) -> Bool {
        switch taskScope(org) {
        case .every: return true
        case .none: return false
        case .office(let own): return assigneeOrg == own
        case .municipality(let own):
            guard let assignee = Organisation(assigneeOrg), actingMunicipality(assignee) == own else { return false }
            return mayAccessCase(org, responsibleOrg: responsibleOrg)
        }
    }

    // MARK: Referrals

    /// Which referrals an organisation lists: those of its cases, or those sent to the partner
    /// it is concerned with (AWA runs the job centres RAV; BKS is a partner itself).
    public enum ReferralScope: Equatable, Sendable {
        case every
        case municipality(Int)
        /// Referrals sent to this partner organisation (never those still waiting for consent).
        case sentTo(String)
        case none
    }

    public static func referralScope(_ org: Organisation) -> ReferralScope {
        switch caseScope(org) {
        case .every: return .every
        case .municipality(let bfs): return .municipality(bfs)
        case .none:
            switch org {
            case .canton("AWA"), .partner("RAV"): return .sentTo("partner:RAV")
            case .canton("BKS"): return .sentTo("canton:BKS")
            default: return .none
            }
        }
    }
}

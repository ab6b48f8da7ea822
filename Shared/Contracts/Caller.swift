import IASRuntime

/// The roles of the contract. A token's other roles mean nothing here.
public enum Role: String, CaseIterable, Sendable {
    case caseworker, approver, auditor, admin
}

/// What a route does, as the access rules see it. Every authenticated route names one; the
/// request pipeline checks it against the caller before the handler runs (`AccessPolicy`).
public enum Permission: String, CaseIterable, Sendable {
    /// Reference data without personal data: catalogues, rule sets.
    case readReference
    /// Personal data of cases: one case, or a list narrowed to the caller's scope.
    case readCases
    /// A change to a case, a registration, a task's completion.
    case writeCases
    /// The decision on a cost approval.
    case decideCosts
    /// The audit trail of personal-data access.
    case readAuditTrail
    /// The anonymous IAS indicator figures.
    case readIndicators
    /// Everything the suite holds about one person, for the person's access request (art. 25
    /// of the data protection act): every service's records, the documents and the accesses.
    case exportSubjectData
}

/// Who is calling, as the access rules see it: the organisation and the known roles.
public struct Caller: Sendable, Equatable {
    public let organisation: Organisation
    public let roles: Set<Role>

    public init(organisation: Organisation, roles: Set<Role>) {
        self.organisation = organisation
        self.roles = roles
    }

    /// Unknown role names are dropped.
    public init(organisation: Organisation, roleNames: some Sequence<String>) {
        self.init(organisation: organisation, roles: Set(roleNames.compactMap(Role.init(rawValue:))))
    }
}

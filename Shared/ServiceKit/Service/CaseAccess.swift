import IASContracts
import IASHTTP
import IASRuntime

/// What every service knows of a case, whatever else its own record of it holds: enough to
/// decide access and whether it still changes.
public protocol CaseRecord {
    var caseId: Identifier { get }
    /// Nil where the service does not know the person (the case registry).
    var knownPersonId: Identifier? { get }
    var responsibleOrg: String { get }
    var closedOn: CalendarDate? { get }
}

extension RequestContext {
    /// The one way a handler loads "the case the caller may use": 404 when `record` is nil
    /// (unknown, or not yet learnt from intake's events), 403 when the caller does not reach it
    /// (declared first, so that the refused attempt is audited with the case it aimed at), and
    /// with `forChange`, 409 when the case is closed.
    @discardableResult
    public func access<R: CaseRecord>(_ record: R?, forChange: Bool = false, unknown: String = "no case with this id") throws -> R {
        guard let record else { throw Refusal.notFound(unknown) }
        try requireCaseAccess(responsibleOrg: record.responsibleOrg, caseId: record.caseId, personId: record.knownPersonId)
        if forChange, let closed = record.closedOn {
            throw Refusal.conflict("the case was closed on \(closed); it refuses further changes")
        }
        return record
    }
}

extension CaseRegistry.Entry: CaseRecord {
    public var knownPersonId: Identifier? { nil }
}

extension RequestContext {
    /// The one way a list narrows to the cases the caller reaches: nil for every case (the
    /// canton's offices that see all), the municipality whose cases (directly or through a
    /// delegate) it may list, or 403 with `refusal` for an organisation that lists none.
    public func listedMunicipality(refusal: String) throws -> Int? {
        switch AccessPolicy.caseScope(organisation) {
        case .every: return nil
        case .municipality(let own): return own
        case .none: throw Refusal.forbidden(refusal)
        }
    }
}

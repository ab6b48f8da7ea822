import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// The largest single amount the API accepts (CHF 100,000): well above any measure, below
/// any overflow.
let maximumAmountRappen = 10_000_000

/// `POST /cost-approvals`.
struct RequestApproval: Decodable {
    var caseId: Identifier
    var measureId: Identifier
    var amountRappen: Int
    var justification: String

    func validate() -> [FieldError] {
        var errors = FieldErrors()
        errors.check((1...maximumAmountRappen).contains(amountRappen), "amountRappen", "must be a whole number of Rappen from 1 to \(maximumAmountRappen)")
        errors.check(TextRules.isText(justification, max: 4000), "justification", "must be 1 to 4000 characters")
        return errors.list
    }
}

/// Where a grant is paid from: the case's lump sum, or another source named by the canton.
enum DecisionFunding: String, Decodable { case lumpSum = "lump_sum", other }

/// `POST /cost-approvals/{id}/decision`.
struct DecideApproval: Decodable {
    var decision: CostDecision
    var amountRappen: Int?
    var reason: String
    var fundingSource: DecisionFunding?

    func validate(requested: Int) -> [FieldError] {
        var errors = FieldErrors()
        if BudgetRules.grantedAmount(decision: decision, requested: requested, named: amountRappen) == nil {
            let message: String
            switch decision {
            case .granted: message = "leave it out or give the requested \(requested): a smaller amount is partially_granted"
            case .partiallyGranted: message = "is required for partially_granted: from 1 to the requested \(requested)"
            case .rejected: message = "must be left out (or 0) for rejected"
            }
            errors.add("amountRappen", message)
        }
        errors.check(TextRules.isText(reason, max: 4000), "reason", "must be 1 to 4000 characters")
        return errors.list
    }
}

/// `POST /cost-approvals/{id}/charges`: an invoice against a granted approval.
struct BookCharge: Decodable {
    var amountRappen: Int
    var invoiceRef: String
    var bookedOn: CalendarDate

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check((1...maximumAmountRappen).contains(amountRappen), "amountRappen", "must be a whole number of Rappen from 1 to \(maximumAmountRappen)")
        errors.check(TextRules.isText(invoiceRef, max: 100), "invoiceRef", "must be 1 to 100 characters")
        errors.check(bookedOn <= today, "bookedOn", "must not be in the future")
        return errors.list
    }
}

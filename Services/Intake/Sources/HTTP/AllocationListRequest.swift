import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// `POST /allocation-lists`: a federal allocation list (Zuweisungsliste) of persons assigned
/// to the canton, each row the body of `POST /persons`.
struct AllocationListRequest: Decodable {
    /// Rows per request. One list is registered in one transaction; a longer list is split
    /// by the sender, which keeps the transaction, the response and a retry bounded.
    static let maxPersons = 1000

    var listRef: String
    var allocatedOn: CalendarDate
    var persons: [AllocationRow]

    enum CodingKeys: String, CodingKey { case listRef, allocatedOn, persons }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        listRef = try container.decode(String.self, forKey: .listRef)
        allocatedOn = try container.decode(CalendarDate.self, forKey: .allocatedOn)
        // The row count is checked before any row is decoded, so that an oversized list costs
        // no more than reading it.
        var rows = try container.nestedUnkeyedContainer(forKey: .persons)
        if let count = rows.count, count > Self.maxPersons {
            throw Self.tooManyRows(count)
        }
        var persons: [AllocationRow] = []
        while !rows.isAtEnd { persons.append(try rows.decode(AllocationRow.self)) }
        self.persons = persons
    }

    static func tooManyRows(_ count: Int) -> Problem {
        var problem = Problem.status(
            413, "The list has \(count) persons; at most \(maxPersons) are accepted per request. Split it into several requests with the same listRef; nothing was registered.")
        problem.errors = [FieldError(field: "persons", message: "must hold at most \(maxPersons) persons")]
        return problem
    }

    /// Problems of the list as a whole; any of them refuses the whole request.
    func validate() -> [FieldError] {
        var errors = FieldErrors()
        errors.check(TextRules.isLine(listRef, max: 100), "listRef", "must be 1 to 100 characters, not only spaces, e.g. SEM-2026-11-0042")
        errors.check(!persons.isEmpty, "persons", "must hold 1 to \(Self.maxPersons) persons")
        return errors.list
    }
}

/// One row of a list: a registration, or why the row could not be read as one. A row of the
/// wrong shape (a missing field, a date that is no date) is reported with its index instead
/// of failing the whole list.
enum AllocationRow: Decodable {
    case readable(RegisterPersonRequest)
    case unreadable(FieldError)

    init(from decoder: Decoder) throws {
        do {
            self = .readable(try RegisterPersonRequest(from: decoder))
        } catch let error as DecodingError {
            self = .unreadable(FieldError(error, within: decoder.codingPath))
        }
    }
}

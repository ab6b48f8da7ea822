import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit
import IntakeService
import TestSupport
import XCTest

/// Intake's search in process against PostgreSQL: what each organisation finds (its scope is
/// part of the SQL), the filters, keyset pagination, and the audit record of what it returned.
final class IntakeInProcessTests: XCTestCase {
    nonisolated(unsafe) static var intake: InProcessService!
    let canton = TestEnvironment.token(org: "canton:KSD")
    private var registered = 0

    override class func setUp() {
        super.setUp()
        do { intake = try InProcessService("intake", module: "IntakeService", publishes: IntakeApp.topics) { IntakeApp(host: $0).register() } }
        catch { fatalError("intake did not start in process: \(error)") }
    }

    override class func tearDown() {
        intake = nil
        super.tearDown()
    }

    /// Registers one person of `family` for `org` (municipal accommodation unless the canton's),
    /// each born on a day of their own (alike names and birth dates would be possible duplicates).
    private func register(_ family: String, _ org: String?, given: String) throws -> CaseAPI.Registered {
        var person = NewPerson.sample(givenName: given, familyName: family, accommodation: org == nil ? "cantonal" : "municipal", responsibleOrg: org)
        registered += 1
        person.dateOfBirth = String(format: "%04d-%02d-%02d", 1960 + registered, 1 + registered % 12, 1 + registered % 28)
        let answer = try Self.intake.request("POST", "/persons", token: canton, body: person)
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        return try JSONParser.parse(answer.body).decode(CaseAPI.Registered.self)
    }

    /// The person ids of one search page, and the cursor of the next.
    private func search(_ query: String, as org: String, status: Int = 200) throws -> (ids: [String], next: String?) {
        let answer = try Self.intake.request("GET", "/persons?\(query)", token: TestEnvironment.token(org: org, subject: "search-\(org)"))
        XCTAssertEqual(answer.status, status, "\(org) \(query): \(String(decoding: answer.body, as: UTF8.self))")
        guard answer.status == 200, case .array(let items)? = try JSONParser.parse(answer.body)["items"] else { return ([], nil) }
        return (items.compactMap { $0["personId"]?.stringValue }, try JSONParser.parse(answer.body)["nextCursor"]?.stringValue)
    }

    func testASearchFindsWhatTheCallersScopeReachesPageByPage() throws {
        let family = "Scope-\(UUID().uuidString.prefix(8))"
        let aarau = try (0..<3).map { try register(family, "municipality:4001", given: "Aarau\($0)") }
        let delegated = try register(family, "delegate:caritas:4001", given: "Caritas")
        let baden = try (0..<2).map { try register(family, "municipality:4021", given: "Baden\($0)") }
        let cantonal = try register(family, nil, given: "Kanton")
        let everyone = Set((aarau + [delegated] + baden + [cantonal]).map(\.personId))

        // A municipality finds its own cases and its delegates', never another's or the canton's.
        XCTAssertEqual(Set(try search("familyName=\(family)", as: "municipality:4001").ids), Set((aarau + [delegated]).map(\.personId)))
        XCTAssertEqual(Set(try search("familyName=\(family)", as: "delegate:caritas:4001").ids), Set((aarau + [delegated]).map(\.personId)))
        XCTAssertEqual(Set(try search("familyName=\(family)", as: "municipality:4021").ids), Set(baden.map(\.personId)))
        XCTAssertEqual(Set(try search("familyName=\(family)", as: "canton:KSD").ids), everyone)
        XCTAssertEqual(try search("familyName=\(family)", as: "partner:RAV", status: 403).ids, [])

        // The filters: family name in any case, responsible organisation, ZEMIS number as written with dots.
        XCTAssertEqual(Set(try search("familyName=\(family.uppercased())", as: "canton:KSD").ids), everyone)
        XCTAssertEqual(Set(try search("familyName=\(family)&responsibleOrg=municipality:4021", as: "canton:KSD").ids), Set(baden.map(\.personId)))
        XCTAssertEqual(try search("familyName=\(family)&responsibleOrg=municipality:4021", as: "municipality:4001").ids, [],
                       "a filter never widens the scope")
        let stored = try Self.intake.host.pool.withConnection {
            try $0.query("SELECT zemis_number FROM persons WHERE person_id = $1", [Identifier(cantonal.personId)!])[0].string("zemis_number")
        }
        let dotted = stored.prefix(2) + "." + stored.dropFirst(2).prefix(3) + "." + stored.dropFirst(5)
        XCTAssertEqual(try search("zemisNumber=\(dotted)", as: "canton:KSD").ids, [cantonal.personId])

        // Pages of two in person id order, each starting after the last of the previous one.
        var pages: [[String]] = [], cursor: String?
        repeat {
            let page = try search("familyName=\(family)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), as: "canton:KSD")
            pages.append(page.ids)
            cursor = page.next
        } while cursor != nil && pages.count < 10
        XCTAssertEqual(pages.map(\.count), [2, 2, 2, 1])
        XCTAssertEqual(pages.flatMap { $0 }, everyone.sorted())
        XCTAssertEqual(try search("limit=0", as: "canton:KSD", status: 400).ids, [])
        XCTAssertEqual(try search("cursor=not-a-cursor", as: "canton:KSD", status: 400).ids, [])
    }

    func testTheAuditRecordOfASearchNamesEveryPersonItReturnedAndTheFilter() throws {
        let family = "Audit-\(UUID().uuidString.prefix(8))"
        let own = try (0..<2).map { try register(family, "municipality:4001", given: "Own\($0)") }
        _ = try register(family, "municipality:4021", given: "Other")
        let subject = "audit-\(UUID().uuidString.prefix(6))"
        let answer = try Self.intake.request("GET", "/persons?familyName=\(family)", token: TestEnvironment.token(org: "municipality:4001", subject: subject))
        XCTAssertEqual(answer.status, 200)

        let records = try Self.intake.published(type: PersonalDataAccessed.eventType)
            .map { (topic: $0.topic, record: try $0.envelope.payload(PersonalDataAccessed.self)) }
            .filter { $0.record.subject == subject }
        XCTAssertEqual(records.count, 1, "one record per request")
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record.topic, Topics.audit)
        XCTAssertEqual(record.record.route, "/persons")
        XCTAssertEqual(record.record.action, .read)
        XCTAssertEqual(record.record.status, 200)
        XCTAssertEqual(Set((record.record.disclosed ?? []).compactMap(\.personId?.description)), Set(own.map(\.personId)))
        XCTAssertEqual(Set((record.record.disclosed ?? []).compactMap(\.caseId?.description)), Set(own.map(\.caseId)))
        // The trail keeps that a name was searched and the rest of the filter, never the name.
        XCTAssertEqual(record.record.query?["familyName"], RequestContext.withheldSearchTerm)
        XCTAssertEqual(record.record.query?["limit"], "50")
    }

    /// A single registration and the rows of an allocation list are stored by one statement
    /// from the event they publish: names and reasons trimmed, the canton responsible for
    /// cantonal accommodation, each row's person under its own id.
    func testWhatIsStoredIsTheRegistrationAsPublished() throws {
        let family = "Stored-\(UUID().uuidString.prefix(8))"
        var single = NewPerson.sample(givenName: "  Selam ", familyName: " \(family)  ")
        single.duplicateOverride = .init(reason: "  checked by telephone\n")
        let answer = try Self.intake.request("POST", "/persons", token: canton, body: single)
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        let singleId = try XCTUnwrap(Identifier(try XCTUnwrap(try JSONParser.parse(answer.body)["personId"]?.stringValue)))

        var first = NewPerson.sample(givenName: "Abeba ", familyName: family, accommodation: "municipal", responsibleOrg: "municipality:4001")
        first.dateOfBirth = "1971-02-03"
        var second = NewPerson.sample(givenName: "Dawit", familyName: " \(family)", accommodation: "municipal", responsibleOrg: "municipality:4021")
        second.dateOfBirth = "1982-05-06"
        let list = try Self.intake.request("POST", "/allocation-lists", token: canton, json: .object([
            "listRef": .string("SEM-\(family)"), "allocatedOn": .string("2026-11-20"),
            "persons": .array([try JSONParser.parse(JSONCoding.encode(first)), try JSONParser.parse(JSONCoding.encode(second))]),
        ]), headers: [("Idempotency-Key", "list-\(family)")])
        XCTAssertEqual(list.status, 200, String(decoding: list.body, as: UTF8.self))
        guard case .array(let rows)? = try JSONParser.parse(list.body)["rows"] else { return XCTFail("no rows in the answer") }
        let listIds = try rows.map { try XCTUnwrap(Identifier(try XCTUnwrap($0["personId"]?.stringValue)), "row \($0)") }
        XCTAssertEqual(rows.map { $0["outcome"]?.stringValue }, ["registered", "registered"])

        struct Stored: Equatable { let given, family, org: String; let reason: String?; let fromList: Bool }
        let stored = try Self.intake.host.pool.withConnection { c in
            try ([singleId] + listIds).map { id in
                let row = try c.query("""
                    SELECT given_name, family_name, responsible_org, duplicate_override_reason, allocation_list_id IS NOT NULL AS from_list
                    FROM persons WHERE person_id = $1
                    """, [id])[0]
                return Stored(given: try row.string("given_name"), family: try row.string("family_name"), org: try row.string("responsible_org"),
                              reason: try row.optionalString("duplicate_override_reason"), fromList: try row.bool("from_list"))
            }
        }
        XCTAssertEqual(stored, [
            Stored(given: "Selam", family: family, org: "canton:KSD", reason: "checked by telephone", fromList: false),
            Stored(given: "Abeba", family: family, org: "municipality:4001", reason: nil, fromList: true),
            Stored(given: "Dawit", family: family, org: "municipality:4021", reason: nil, fromList: true),
        ])
        let read = try Self.intake.request("GET", "/persons/\(singleId)", token: canton)
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(try JSONParser.parse(read.body)["givenName"]?.stringValue, "Selam")
        XCTAssertEqual(try JSONParser.parse(read.body)["duplicateOverrideReason"]?.stringValue, "checked by telephone")
    }

    /// Every write of a person that answers an ETag honours `If-Match`: a stale version is 409
    /// with the current ETag and changes nothing; without the header only the correction is
    /// refused (428), as the contract has it.
    func testTheWritesOfAPersonRefuseAStaleIfMatchAndChangeNothing() throws {
        let answer = try Self.intake.request("POST", "/persons", token: canton, body: NewPerson.sample(status: "N"))
        XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
        let personId = try XCTUnwrap(try JSONParser.parse(answer.body)["personId"]?.stringValue)
        func read() throws -> (etag: String, person: JSONValue) {
            let r = try Self.intake.request("GET", "/persons/\(personId)", token: canton)
            XCTAssertEqual(r.status, 200)
            return (try XCTUnwrap(r.headers["ETag"]), try JSONParser.parse(r.body))
        }
        func write(_ path: String, _ body: JSONValue, ifMatch: String?) throws -> HTTPResponse {
            try Self.intake.request("POST", "/persons/\(personId)/\(path)", token: canton, json: body,
                                    headers: ifMatch.map { [("If-Match", $0)] } ?? [])
        }
        let regularisation: JSONValue = .object(["status": .string("VA"), "decidedOn": .string("2026-10-01")])
        let handover: JSONValue = .object(["toOrg": .string("municipality:4001"), "effectiveOn": .string("2026-10-02"), "reason": .string("assignment")])
        let closure: JSONValue = .object(["reason": .string("left_canton"), "closedOn": .string("2026-10-03")])

        for (path, body) in [("regularization", regularisation), ("responsibility", handover), ("closure", closure)] {
            let before = try read()
            let stale = try write(path, body, ifMatch: "\"999\"")
            XCTAssertEqual(stale.status, 409, "\(path): \(String(decoding: stale.body, as: UTF8.self))")
            XCTAssertEqual(try JSONParser.parse(stale.body)["currentETag"]?.stringValue, before.etag, path)
            XCTAssertEqual(try read().person, before.person, "\(path): a stale version changed the person")
            let fresh = try write(path, body, ifMatch: before.etag)
            XCTAssertEqual(fresh.status, 200, "\(path): \(String(decoding: fresh.body, as: UTF8.self))")
            XCTAssertNotEqual(try read().etag, before.etag, path)
        }
        let after = try read()
        XCTAssertEqual(after.person["status"]?.stringValue, "VA")
        XCTAssertEqual(after.person["responsibleOrg"]?.stringValue, "municipality:4001")
        XCTAssertEqual(after.person["closedOn"]?.stringValue, "2026-10-03")

        // Without If-Match: the other writes go ahead (tested above by their use everywhere); the correction is refused.
        let correction = try Self.intake.request("PATCH", "/persons/\(personId)", token: canton, json: .object(["givenName": .string("Amira")]))
        XCTAssertEqual(correction.status, 409, "the case is closed: that answer comes before the version")
        let open = try JSONParser.parse(try Self.intake.request("POST", "/persons", token: canton, body: NewPerson.sample()).body)
        let unversioned = try Self.intake.request("PATCH", "/persons/\(try XCTUnwrap(open["personId"]?.stringValue))", token: canton,
                                                  json: .object(["givenName": .string("Amira")]))
        XCTAssertEqual(unversioned.status, 428, String(decoding: unversioned.body, as: UTF8.self))
    }

    func testASearchByGivenNameAndDateOfBirthIgnoresCaseAndKeepsItsPages() throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let (family, lina, mara) = ("Portal-\(suffix)", "Lina\(suffix)", "Mara\(suffix)")
        func register(_ given: String, born: String) throws -> String {
            var person = NewPerson.sample(givenName: given, familyName: family)
            person.dateOfBirth = born
            // Siblings: alike names, the same birth date for two of them.
            person.duplicateOverride = .init(reason: "siblings, checked")
            let answer = try Self.intake.request("POST", "/persons", token: canton, body: person)
            XCTAssertEqual(answer.status, 201, String(decoding: answer.body, as: UTF8.self))
            return try XCTUnwrap(try JSONParser.parse(answer.body)["personId"]?.stringValue)
        }
        let lina1981 = try register(lina, born: "1981-04-12")
        let lina1990 = try register(lina, born: "1990-11-30")
        let mara1981 = try register(mara, born: "1981-04-12")

        XCTAssertEqual(Set(try search("givenName=\(lina.uppercased())", as: "canton:KSD").ids), [lina1981, lina1990])
        XCTAssertEqual(Set(try search("givenName=\(lina)&familyName=\(family.lowercased())", as: "canton:KSD").ids), [lina1981, lina1990])
        XCTAssertEqual(Set(try search("familyName=\(family)&dateOfBirth=1981-04-12", as: "canton:KSD").ids), [lina1981, mara1981])
        XCTAssertEqual(try search("givenName=\(lina)&dateOfBirth=1990-11-30", as: "canton:KSD").ids, [lina1990])
        XCTAssertEqual(try search("givenName=\(mara)&dateOfBirth=1990-11-30", as: "canton:KSD").ids, [])
        XCTAssertEqual(try search("givenName=\(lina)&familyName=\(family)", as: "municipality:4001").ids, [],
                       "cantonal cases stay out of a municipality's search")

        // Keyset pages of one, in person id order.
        var pages: [[String]] = [], cursor: String?
        repeat {
            let page = try search("familyName=\(family)&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), as: "canton:KSD")
            pages.append(page.ids)
            cursor = page.next
        } while cursor != nil && pages.count < 10
        XCTAssertEqual(pages.flatMap { $0 }, [lina1981, lina1990, mara1981].sorted())

        // Each bad filter is named.
        let refused = try Self.intake.request("GET", "/persons?givenName=%20&dateOfBirth=1981-02-30", token: canton)
        XCTAssertEqual(refused.status, 400)
        guard case .array(let errors)? = try JSONParser.parse(refused.body)["errors"] else { return XCTFail("no errors") }
        XCTAssertEqual(Set(errors.compactMap { $0["field"]?.stringValue }), ["givenName", "dateOfBirth"])

        // The audit record names the filter as applied, its personal terms withheld.
        let subject = "portal-\(suffix)"
        XCTAssertEqual(try Self.intake.request("GET", "/persons?givenName=%20\(lina)&dateOfBirth=1990-11-30",
                                               token: TestEnvironment.token(org: "canton:KSD", subject: subject)).status, 200)
        let record = try XCTUnwrap(try Self.intake.published(type: PersonalDataAccessed.eventType)
            .map { try $0.envelope.payload(PersonalDataAccessed.self) }.first { $0.subject == subject })
        XCTAssertEqual(record.query?["givenName"], RequestContext.withheldSearchTerm)
        XCTAssertEqual(record.query?["dateOfBirth"], RequestContext.withheldSearchTerm)
        XCTAssertEqual(record.disclosed?.compactMap(\.personId?.description) ?? [record.personId?.description].compactMap { $0 }, [lina1990])
    }
}

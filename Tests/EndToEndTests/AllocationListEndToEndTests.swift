import Foundation
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// `POST /allocation-lists` through the running services: per-row outcomes, exactly the valid
/// rows registered and published (coordination builds their dossiers), Idempotency-Key
/// replay, and the limits.
final class AllocationListEndToEndTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(["intake", "coordination"]) }

    func client(_ service: String = "intake") throws -> HTTPClient { try Self.stack.client(service) }

    /// Rows of one list: one family name of their own (to find them again), a different
    /// birth date each (so that no two rows are alike by name and birth date).
    func rows(_ count: Int, familyName: String) -> [[String: Any]] {
        let base = Calendar(identifier: .gregorian).date(from: DateComponents(
            timeZone: TimeZone(identifier: "UTC"), year: Int.random(in: 1950...1990), month: 1, day: 1))!
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd"
        format.timeZone = TimeZone(identifier: "UTC")
        return (0..<count).map { i in
            var person = NewPerson.sample(givenName: "Person\(i)", familyName: familyName)
            person.dateOfBirth = format.string(from: base.addingTimeInterval(Double(i) * 86_400))
            return TestJSON.object(try! JSONValue(encoding: person))
        }
    }

    func list(_ persons: [[String: Any]]) -> [String: Any] {
        ["listRef": "SEM-2026-11-\(Int.random(in: 1000...9999))", "allocatedOn": "2026-11-20", "persons": persons]
    }

    /// Ids of all persons with this family name, through the paginated search.
    func personIds(familyName: String) throws -> Set<String> {
        var ids = Set<String>()
        var cursor: String?
        repeat {
            let path = "/persons?familyName=\(familyName)&limit=200" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try client().json("GET", path, token: canton)
            XCTAssertEqual(page.status, 200, page.text)
            let body = try page.object()
            for item in body["items"] as? [[String: Any]] ?? [] { ids.insert(item["personId"] as? String ?? "") }
            cursor = body["nextCursor"] as? String
        } while cursor != nil
        return ids
    }

    func testAListRegistersExactlyItsValidRowsAndAnswersTheSameWhenRepeated() throws {
        let family = "Liste-\(UUID().uuidString.prefix(8))"
        let existing = try [NewPerson.sample(givenName: "Selam"), NewPerson.sample(givenName: "Yonas")].map { body in
            let r = try client().json("POST", "/persons", token: canton, body: body)
            XCTAssertEqual(r.status, 201, r.text)
            return (zemis: body.zemisNumber!, person: try r.object())
        }
        var persons = rows(300, familyName: family)
        persons[10]["nationality"] = "eritrea"
        persons[20]["dateOfBirth"] = "2099-01-01"
        persons[30].removeValue(forKey: "givenName")
        persons[40]["zemisNumber"] = existing[0].zemis
        persons[50]["zemisNumber"] = existing[1].zemis
        persons[60]["zemisNumber"] = persons[5]["zemisNumber"]
        let body = list(persons)
        let key = "list-\(UUID().uuidString)"

        let started = Date()
        let response = try client().json("POST", "/allocation-lists", token: canton, body: body, headers: ["Idempotency-Key": key])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(response.status, 200, response.text)
        print("allocation list of 300 rows answered in \(Int(elapsed * 1000)) ms")
        let result = try response.object()
        XCTAssertEqual(result["received"] as? Int, 300)
        XCTAssertEqual(result["registered"] as? Int, 294)
        XCTAssertEqual(result["duplicates"] as? Int, 3)
        XCTAssertEqual(result["possibleDuplicates"] as? Int, 0)
        XCTAssertEqual(result["rejected"] as? Int, 3)
        XCTAssertEqual(result["listRef"] as? String, body["listRef"] as? String)
        XCTAssertNotNil(result["listId"] as? String)

        let results = try XCTUnwrap(result["rows"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["row"] as? Int }, Array(0..<300))
        let outcomes = Dictionary(uniqueKeysWithValues: results.enumerated().map { ($0.offset, $0.element["outcome"] as? String ?? "") })
        for i in [10, 20, 30] { XCTAssertEqual(outcomes[i], "rejected", "row \(i)") }
        for i in [40, 50, 60] { XCTAssertEqual(outcomes[i], "duplicate", "row \(i)") }
        XCTAssertEqual(outcomes.values.filter { $0 == "registered" }.count, 294)
        func fields(_ i: Int) -> [String] { (results[i]["problems"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
        XCTAssertEqual(fields(10), ["nationality"])
        XCTAssertTrue(fields(20).contains("dateOfBirth"), "\(fields(20))")
        XCTAssertEqual(fields(30), ["givenName"])
        XCTAssertEqual(results[40]["personId"] as? String, existing[0].person["personId"] as? String)
        XCTAssertEqual(results[40]["caseId"] as? String, existing[0].person["caseId"] as? String)
        XCTAssertEqual(results[50]["personId"] as? String, existing[1].person["personId"] as? String)
        XCTAssertEqual(results[60]["duplicateOfRow"] as? Int, 5)
        XCTAssertEqual(results[60]["personId"] as? String, results[5]["personId"] as? String)

        let registered = results.filter { $0["outcome"] as? String == "registered" }
        let registeredIds = Set(registered.compactMap { $0["personId"] as? String })
        XCTAssertEqual(registeredIds.count, 294)
        XCTAssertEqual(try personIds(familyName: family), registeredIds, "exactly the registered rows exist")

        // Every registered row was published once: coordination has a dossier for each case
        // whose timeline holds exactly one PersonRegistered.
        let coordination = try client("coordination")
        for row in registered {
            let caseId = try XCTUnwrap(row["caseId"] as? String)
            let dossier = try eventually(within: 30) { () -> [String: Any]? in
                let r = try coordination.json("GET", "/cases/\(caseId)/dossier", token: canton)
                return r.status == 200 ? try r.object() : nil
            }
            let timeline = try XCTUnwrap(dossier, "no dossier for case \(caseId) (row \(row["row"] ?? ""))")["timeline"] as? [[String: Any]] ?? []
            XCTAssertEqual(timeline.filter { $0["type"] as? String == "intake.PersonRegistered" }.count, 1, "case \(caseId)")
            XCTAssertEqual((dossier?["person"] as? [String: Any])?["familyName"] as? String, family)
        }

        // The same request under the same key: the first answer again, nothing new.
        let again = try client().json("POST", "/allocation-lists", token: canton, body: body, headers: ["Idempotency-Key": key])
        XCTAssertEqual(again.status, 200, again.text)
        XCTAssertEqual(again.headers["idempotent-replayed"], "true")
        XCTAssertEqual(again.text, response.text)
        XCTAssertEqual(try personIds(familyName: family).count, 294)

        // Without the key the same list registers nothing either: every ZEMIS number is known now.
        let resent = try client().json("POST", "/allocation-lists", token: canton, body: body)
        XCTAssertEqual(resent.status, 200, resent.text)
        XCTAssertEqual(try resent.object()["registered"] as? Int, 0)
        XCTAssertEqual(try resent.object()["duplicates"] as? Int, 297)
        XCTAssertEqual(try personIds(familyName: family).count, 294)
    }

    func testARowLikeARegisteredPersonIsAPossibleDuplicateUnlessOverridden() throws {
        let family = "Liste-\(UUID().uuidString.prefix(8))"
        var first = rows(1, familyName: family)[0]
        first["givenName"] = "Mohammed"
        XCTAssertEqual(try client().json("POST", "/persons", token: canton, body: first).status, 201)
        var similar = first
        similar["givenName"] = "Muhammad"
        similar["zemisNumber"] = NewPerson.nextZemis()
        var overridden = similar
        overridden["zemisNumber"] = NewPerson.nextZemis()
        overridden["duplicateOverride"] = ["reason": "twin brother, confirmed by SEM"]
        let r = try client().json("POST", "/allocation-lists", token: canton, body: list([similar, overridden]))
        XCTAssertEqual(r.status, 200, r.text)
        let results = try XCTUnwrap(try r.object()["rows"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["outcome"] as? String }, ["possible_duplicate", "registered"])
        XCTAssertEqual((results[0]["candidates"] as? [[String: Any]])?.count, 1)
        XCTAssertEqual(try personIds(familyName: family).count, 2)
    }

    func testAListBeyondTheLimitsIsRefusedAndChangesNothing() throws {
        let family = "Liste-\(UUID().uuidString.prefix(8))"
        let tooLong = try client().json("POST", "/allocation-lists", token: canton, body: list(rows(1001, familyName: family)))
        XCTAssertEqual(tooLong.status, 413, tooLong.text)
        XCTAssertTrue(tooLong.text.contains("at most 1000"), tooLong.text)
        XCTAssertEqual(try personIds(familyName: family).count, 0)

        let empty = try client().json("POST", "/allocation-lists", token: canton, body: list([]))
        XCTAssertEqual(empty.status, 400, empty.text)

        // A full list may be larger than the general body limit (1 MiB); other routes keep it.
        var persons = rows(1000, familyName: family)
        for i in persons.indices { persons[i]["nationality"] = "eritrea" }   // all rejected: nothing to register
        var bytes = try TestJSON.bytes(list(persons))
        bytes.removeLast()
        bytes += Array(repeating: UInt8(ascii: " "), count: 1_100_000) + [UInt8(ascii: "}")]
        let headers = ["Authorization": "Bearer \(canton)", "Content-Type": "application/json"]
        let large = try client().request("POST", "/allocation-lists", headers: headers, body: bytes)
        XCTAssertEqual(large.status, 200, large.text)
        XCTAssertEqual(try large.object()["rejected"] as? Int, 1000)
        let single = try client().request("POST", "/persons", headers: headers, body: bytes)
        XCTAssertEqual(single.status, 413, single.text)
        XCTAssertEqual(try personIds(familyName: family).count, 0)
    }

    func testFiveHundredRowsAreRegisteredQuickly() throws {
        let family = "Liste-\(UUID().uuidString.prefix(8))"
        let body = list(rows(500, familyName: family))
        let started = Date()
        let r = try client().json("POST", "/allocation-lists", token: canton, body: body)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(try r.object()["registered"] as? Int, 500)
        print("allocation list of 500 rows answered in \(Int(elapsed * 1000)) ms (\(Int(500 / elapsed)) cases/s)")
        XCTAssertLessThan(elapsed, 10, "500 rows should take well under a second on a development machine")
    }
}

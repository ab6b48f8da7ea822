import Foundation
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// The walking skeleton through real processes: intake registers, the event travels through
/// the outbox and the broker, coordination builds the dossier.
final class WalkingSkeletonTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(TestStack.suite) }

    func testEveryServiceAnswersHealthReadinessMetricsAndOpenAPI() throws {
        for (name, service) in Self.stack.services {
            let client = try HTTPClient.connected(port: service.port)
            XCTAssertEqual(try client.request("GET", "/healthz").status, 200, name)
            let ready = try client.request("GET", "/readyz")
            XCTAssertEqual(ready.status, 200, "\(name): \(ready.text)")
            let metrics = try client.request("GET", "/metrics")
            XCTAssertEqual(metrics.status, 200)
            XCTAssertTrue(metrics.text.contains("http_requests_total"), "\(name) metrics: \(metrics.text.prefix(200))")
            XCTAssertTrue(metrics.text.contains("ias_outbox_backlog"), name)
            let document = try client.request("GET", "/openapi.json").object()
            XCTAssertEqual(document["openapi"] as? String, "3.1.0", name)
        }
    }

    func testRegisteredPersonAppearsInTheDossierWithinTwoSeconds() throws {
        let intake = try Self.stack.client("intake")
        let started = Date()
        let sample = NewPerson.sample(givenName: "Selam")
        let created = try intake.json("POST", "/persons", token: canton, body: sample)
        XCTAssertEqual(created.status, 201, created.text)
        let person = try created.object()
        let caseId = try XCTUnwrap(person["caseId"] as? String)
        let personId = try XCTUnwrap(person["personId"] as? String)
        XCTAssertEqual(created.headers["location"], "/persons/\(personId)")

        let coordination = try Self.stack.client("coordination")
        let dossier = try eventually(within: 2) { () -> [String: Any]? in
            let r = try coordination.json("GET", "/cases/\(caseId)/dossier", token: canton)
            return r.status == 200 ? try r.object() : nil
        }
        let elapsed = Date().timeIntervalSince(started)
        let found = try XCTUnwrap(dossier, "the dossier did not show the person within 2 s")
        XCTAssertLessThan(elapsed, 2.0)
        let shown = try XCTUnwrap(found["person"] as? [String: Any])
        XCTAssertEqual(shown["givenName"] as? String, "Selam")
        XCTAssertEqual(shown["personId"] as? String, personId)
        XCTAssertEqual(found["responsibleOrg"] as? String, "canton:KSD")
        let timeline = try XCTUnwrap(found["timeline"] as? [[String: Any]])
        // Other services react too (costs opens the budget of a VA): the registration is there once.
        XCTAssertEqual(timeline.filter { ($0["type"] as? String) == "intake.PersonRegistered" }.count, 1, "\(timeline)")

        // Logs carry identifiers, never personal data.
        let logDirectory = URL(fileURLWithPath: try TestEnvironment.value("IAS_TEST_LOG_DIR"))
        for file in try FileManager.default.contentsOfDirectory(atPath: logDirectory.path) where file.hasSuffix(".log") {
            let text = try String(contentsOf: logDirectory.appendingPathComponent(file), encoding: .utf8)
            XCTAssertFalse(text.contains(shown["familyName"] as? String ?? "?"), "\(file) contains the family name")
            XCTAssertFalse(text.contains(sample.dateOfBirth), "\(file) contains the date of birth")
        }

        let read = try intake.json("GET", "/persons/\(personId)", token: canton)
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(try read.object()["caseId"] as? String, caseId)
        XCTAssertEqual(read.headers["etag"], "\"1\"")
    }

    func testInvalidRegistrationIsRefusedWithEveryFieldAndChangesNothing() throws {
        let intake = try Self.stack.client("intake")
        var body = NewPerson.sample(familyName: "Invalid-\(UUID().uuidString.prefix(8))")
        body.dateOfBirth = "2099-01-01"
        body.nationality = "eritrea"
        body.languages = ["ti", "Tigrinya"]
        let response = try intake.json("POST", "/persons", token: canton, body: body)
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.headers["content-type"]?.hasPrefix("application/problem+json"), true)
        let errors = try XCTUnwrap(try response.object()["errors"] as? [[String: Any]])
        let fields = Set(errors.compactMap { $0["field"] as? String })
        XCTAssertTrue(fields.isSuperset(of: ["dateOfBirth", "nationality", "languages[1]"]), "\(fields)")
        let search = try intake.json("GET", "/persons?familyName=\(body.familyName)", token: canton)
        XCTAssertEqual((try search.object()["items"] as? [Any])?.count, 0)
    }

    func testMissingFieldAndWrongTypeNameTheField() throws {
        let intake = try Self.stack.client("intake")
        var body = TestJSON.object(try JSONValue(encoding: NewPerson.sample()))
        body.removeValue(forKey: "givenName")
        body["status"] = "XX"
        let response = try intake.json("POST", "/persons", token: canton, body: body)
        XCTAssertEqual(response.status, 400, response.text)
        let errors = try XCTUnwrap(try response.object()["errors"] as? [[String: Any]])
        XCTAssertFalse(errors.isEmpty)
        XCTAssertTrue(errors.contains { ($0["field"] as? String) == "givenName" || ($0["field"] as? String) == "status" }, "\(errors)")
    }

    func testSameZemisNumberTwiceIsAConflictNamingTheExistingPerson() throws {
        let intake = try Self.stack.client("intake")
        let body = NewPerson.sample()
        let first = try intake.json("POST", "/persons", token: canton, body: body)
        XCTAssertEqual(first.status, 201)
        let second = try intake.json("POST", "/persons", token: canton, body: body)
        XCTAssertEqual(second.status, 409)
        XCTAssertEqual(try second.object()["existingPersonId"] as? String, try first.object()["personId"] as? String)
    }

    func testIdempotencyKeyReturnsTheFirstResponseAndRegistersOnce() throws {
        let intake = try Self.stack.client("intake")
        let body = NewPerson.sample()
        let key = UUID().uuidString
        let first = try intake.json("POST", "/persons", token: canton, body: body, headers: ["Idempotency-Key": key])
        let again = try intake.json("POST", "/persons", token: canton, body: body, headers: ["Idempotency-Key": key])
        XCTAssertEqual(first.status, 201)
        XCTAssertEqual(again.status, 201)
        XCTAssertEqual(try first.object()["personId"] as? String, try again.object()["personId"] as? String)
        XCTAssertEqual(again.headers["idempotent-replayed"], "true")
    }

    func testTokensAreRequiredAndMunicipalitiesSeeOnlyTheirCases() throws {
        let intake = try Self.stack.client("intake")
        XCTAssertEqual(try intake.json("POST", "/persons", token: nil, body: NewPerson.sample()).status, 401)
        XCTAssertEqual(try intake.json("POST", "/persons", token: "not.a.token", body: NewPerson.sample()).status, 401)

        let aarau = TestEnvironment.token(org: "municipality:4001")
        let baden = TestEnvironment.token(org: "municipality:4021")
        let own = try intake.json("POST", "/persons", token: aarau,
                                  body: NewPerson.sample(accommodation: "municipal", responsibleOrg: "municipality:4001"))
        XCTAssertEqual(own.status, 201, own.text)
        let personId = try XCTUnwrap(try own.object()["personId"] as? String)
        let caseId = try XCTUnwrap(try own.object()["caseId"] as? String)
        XCTAssertEqual(try intake.json("GET", "/persons/\(personId)", token: aarau).status, 200)
        XCTAssertEqual(try intake.json("GET", "/persons/\(personId)", token: baden).status, 403)
        XCTAssertEqual(try intake.json("POST", "/persons", token: baden,
                                       body: NewPerson.sample(accommodation: "municipal", responsibleOrg: "municipality:4001")).status, 403)

        let coordination = try Self.stack.client("coordination")
        let seen = try eventually(within: 5) { () -> Int? in
            let r = try coordination.json("GET", "/cases/\(caseId)/dossier", token: aarau)
            return r.status == 200 ? r.status : nil
        }
        XCTAssertEqual(seen, 200)
        XCTAssertEqual(try coordination.json("GET", "/cases/\(caseId)/dossier", token: baden).status, 403)
    }
}

import Foundation
import IASHTTPClient
import IASRuntime
import TestSupport
import XCTest

/// A department system reads its own writes across the running services: the answer of
/// intake's registration names its event (`IAS-Event-Id`), and the very next request to
/// assessment or coordination names it in `IAS-Await-Event` and finds the case, with no 404
/// and no polling; an event never produced is 503 with `Retry-After` after the default bound
/// (2 s); a malformed value is 400.
final class ReadYourWritesEndToEndTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(["intake", "assessment", "coordination"]) }

    private func client(_ name: String) throws -> HTTPClient { try Self.stack.client(name) }

    /// `request` and the milliseconds it took.
    private func timed(_ request: () throws -> HTTPClientResponse) rethrows -> (response: HTTPClientResponse, ms: Double) {
        let started = Date()
        let response = try request()
        return (response, Date().timeIntervalSince(started) * 1000)
    }

    private func register() throws -> (caseId: String, familyName: String, event: String) {
        let person = NewPerson.sample()
        let answer = try client("intake").json("POST", "/persons", token: canton, body: person)
        XCTAssertEqual(answer.status, 201, answer.text)
        let event = try XCTUnwrap(answer.header("IAS-Event-Id"), "a registration names its event")
        XCTAssertNotNil(Identifier(event), event)
        return (try XCTUnwrap(try answer.json()["caseId"]?.stringValue), person.familyName, event)
    }

    func testTheNextRequestAfterARegistrationFindsTheCaseAtAssessmentAndInTheDossier() throws {
        var assessmentMs: [Double] = [], dossierMs: [Double] = [], chainedMs: [Double] = []
        for _ in 0..<10 {
            let registered = try register()
            let awaiting = [("IAS-Await-Event", registered.event)]

            // Assessment learns of the case from intake's event: the POST waits for it instead of answering 404.
            let (assessed, assessedIn) = try timed {
                try client("assessment").json("POST", "/cases/\(registered.caseId)/assessments", token: canton,
                                              body: Assessment(level: "A2", schoolYears: 10), headers: awaiting)
            }
            XCTAssertEqual(assessed.status, 201, assessed.text)
            assessmentMs.append(assessedIn)

            // Coordination's dossier, built from the same event.
            let (dossier, dossierIn) = try timed {
                try client("coordination").json("GET", "/cases/\(registered.caseId)/dossier", token: canton, headers: awaiting)
            }
            XCTAssertEqual(dossier.status, 200, dossier.text)
            XCTAssertEqual(try dossier.json()["person"]?["familyName"]?.stringValue, registered.familyName)
            dossierMs.append(dossierIn)

            // The assessment's own event, awaited in the dossier: its timeline shows it.
            let assessedEvent = try XCTUnwrap(assessed.header("IAS-Event-Id"), "an assessment names its event")
            let (after, afterIn) = try timed {
                try client("coordination").json("GET", "/cases/\(registered.caseId)/dossier", token: canton,
                                                headers: [("IAS-Await-Event", assessedEvent)])
            }
            XCTAssertEqual(after.status, 200, after.text)
            XCTAssertTrue(after.text.contains(assessedEvent), "the dossier's timeline holds the awaited event")
            chainedMs.append(afterIn)
        }
        func summary(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return String(format: "median %.0f ms, max %.0f ms", sorted[sorted.count / 2], sorted.last ?? 0)
        }
        print("read-your-writes over 10 registrations: assessment POST \(summary(assessmentMs)); "
              + "dossier after the registration \(summary(dossierMs)); dossier after the assessment \(summary(chainedMs))")
    }

    func testAnEventNeverProducedIs503WithRetryAfterAfterTheDefaultBound() throws {
        let registered = try register()
        let unknown = Identifier().description
        let (answer, ms) = try timed {
            try client("coordination").json("GET", "/cases/\(registered.caseId)/dossier", token: canton,
                                            headers: [("IAS-Await-Event", "\(registered.event),\(unknown)")])
        }
        XCTAssertEqual(answer.status, 503, answer.text)
        XCTAssertEqual(answer.header("Retry-After"), "1")
        XCTAssertTrue(answer.text.contains(unknown), answer.text)
        XCTAssertGreaterThanOrEqual(ms, 2000)
        XCTAssertLessThan(ms, 3500)
        print("an event never produced: 503 after \(Int(ms)) ms")
    }

    func testAMalformedValueIs400NamingTheHeader() throws {
        let registered = try register()
        let answer = try client("assessment").json("GET", "/cases/\(registered.caseId)/assessments", token: canton,
                                                   headers: [("IAS-Await-Event", "yesterday")])
        XCTAssertEqual(answer.status, 400, answer.text)
        XCTAssertTrue(answer.text.contains("IAS-Await-Event"), answer.text)
    }
}

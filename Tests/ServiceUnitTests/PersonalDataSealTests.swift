import Foundation
import IASContracts
import IASCrypto
import IASMessaging
import IASRuntime
import XCTest

/// The personal fields of intake's events sealed with the case key: nothing of them is readable
/// in the sealed event, opening gives the plain event back, and a seal opens only with its key,
/// its case and its type. Plain (dataversion 1) events are read as they are.
final class PersonalDataSealTests: XCTestCase {
    let key = SymmetricKey.generate()
    let keyId = Identifier()

    private func registered() throws -> EventEnvelope {
        try EventEnvelope.decode(EventFixtureTests.fixture("intake.PersonRegistered.v1"))
    }

    private func text(_ envelope: EventEnvelope) throws -> String { String(decoding: try envelope.encoded(), as: UTF8.self) }

    func testARegistrationIsSealedWithoutReadablePersonalDataAndOpensToTheSameEvent() throws {
        let plain = try registered()
        let person = try plain.payload(PersonRegistered.self)
        let sealed = try PersonalDataSeal.seal(plain, key: key, keyId: keyId)

        XCTAssertEqual(sealed.dataversion, 2)
        XCTAssertTrue(PersonalDataSeal.isSealed(sealed))
        let wire = try text(sealed)
        for personal in [person.givenName, person.familyName, person.dateOfBirth.description, try XCTUnwrap(person.zemisNumber)] {
            XCTAssertFalse(wire.contains(personal), "\(personal) is readable in \(wire)")
        }
        for field in ["givenName", "familyName", "dateOfBirth", "zemisNumber"] { XCTAssertNil(sealed.data[field], field) }
        // What is no person's identity stays readable (routing, the registry's status, the indicators).
        XCTAssertEqual(sealed.data["status"], plain.data["status"])
        XCTAssertEqual(sealed.data["responsibleOrg"], plain.data["responsibleOrg"])
        XCTAssertEqual(try PersonalDataSeal.personal(of: sealed).keyId, keyId)
        XCTAssertThrowsError(try sealed.payload(PersonRegistered.self), "a sealed event is not read as a plain one") { error in
            XCTAssertTrue(error is EventRejected, "\(error)")
        }

        let opened = try PersonalDataSeal.open(sealed, key: key)
        XCTAssertEqual(opened.dataversion, 1)
        XCTAssertEqual(opened.data, plain.data)
        XCTAssertEqual(try opened.payload(PersonRegistered.self), person)
    }

    func testACorrectionSealsOnlyThePersonalChanges() throws {
        let plain = try EventEnvelope(
            PersonDataCorrected(personId: Identifier(), caseId: Identifier(), changes: [
                "familyName": .string("Tesfamariam"), "dateOfBirth": .string("1990-01-02"), "nationality": .string("ER")], version: 3),
            subject: Identifier().description, actor: .system, correlationid: Identifier())
        let sealed = try PersonalDataSeal.seal(plain, key: key, keyId: keyId)
        XCTAssertFalse(try text(sealed).contains("Tesfamariam"))
        XCTAssertFalse(try text(sealed).contains("1990-01-02"))
        XCTAssertEqual(sealed.data["changes"], .object(["nationality": .string("ER")]))
        XCTAssertEqual(try PersonalDataSeal.open(sealed, key: key).data, plain.data)
    }

    func testASealOpensNeitherWithAnotherKeyNorInAnotherCaseOrType() throws {
        let sealed = try PersonalDataSeal.seal(try registered(), key: key, keyId: keyId)
        XCTAssertThrowsError(try PersonalDataSeal.open(sealed, key: SymmetricKey.generate())) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed)
        }
        var moved = sealed
        moved.subject = Identifier().description
        XCTAssertThrowsError(try PersonalDataSeal.open(moved, key: key)) { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
        // The seal copied into a correction of the same case (the type is bound too).
        var retyped = sealed
        retyped.type = PersonDataCorrected.eventType
        XCTAssertThrowsError(try PersonalDataSeal.open(retyped, key: key)) { XCTAssertEqual($0 as? CryptoError, .authenticationFailed) }
        var broken = sealed
        broken.data = .object(["caseId": sealed.data["caseId"]!, "personal": .object(["keyId": .string(keyId.description), "sealed": .string("%%")])])
        XCTAssertThrowsError(try PersonalDataSeal.open(broken, key: key)) { XCTAssertTrue($0 is EventRejected, "\($0)") }
    }

    func testAPlainEventOfBeforeTheSealingIsReadAsItIs() throws {
        let plain = try registered()
        XCTAssertFalse(PersonalDataSeal.isSealed(plain))
        XCTAssertEqual(try PersonalDataSeal.open(plain, key: key), plain)
        XCTAssertNoThrow(try PersonalDataSeal.open(plain, key: key).payload(PersonRegistered.self))
        // Events without personal fields are not sealed at all.
        let closed = try EventEnvelope.decode(EventFixtureTests.fixture("intake.CaseClosed.v1"))
        XCTAssertEqual(try PersonalDataSeal.seal(closed, key: key, keyId: keyId), closed)
    }
}

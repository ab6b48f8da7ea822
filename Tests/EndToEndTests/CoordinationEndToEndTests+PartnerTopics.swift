import Foundation
import IASKafka
import IASContracts
import IASMessaging
import IASRuntime
import IASHTTPClient
import TestSupport
import XCTest

/// Each partner answers on its own topic, and the topic, not the `source` an answer claims,
/// says who answered: an answer on RAV's topic to a referral sent to BKS is refused.
extension CoordinationEndToEndTests {
    func testAnAnswerCountsOnlyOnTheTopicOfThePartnerTheReferralWentTo() throws {
        let caseId = try register()
        let bai = Identifier()
        try publish(measurePlanned(caseId, bai, code: "BAI", partner: "canton:BKS"))
        let override: [String: Any] = ["measureId": bai.description, "legalBasisOverride": ["reason": "Art. 9 IntV: bridge course registration by law"]]
        let sent = try eventually(within: 15) { () -> [String: Any]? in
            let r = try self.coordination().json("POST", "/cases/\(caseId)/referrals", token: self.approver, body: override)
            return r.status == 201 ? try r.object() : nil
        }
        let referralId = try XCTUnwrap(sent?["referralId"] as? String, "the referral to BKS was not sent")

        // RAV, honest about being RAV, answers the referral that went to BKS.
        let honest = Identifier()
        try answer(caseId, referralId, claiming: "/partner/rav", org: "partner:RAV", marker: honest, on: "iiz.partner.rav.inbound.v1")
        let refused = try XCTUnwrap(try deadLetter(on: "iiz.partner.rav.inbound.v1.dlq", marker: honest),
                                    "an answer on RAV's topic to BKS's referral was not refused")
        let reason = String(decoding: refused.header("dlq-reason") ?? [], as: UTF8.self)
        XCTAssertTrue(reason.contains("answers a referral sent to canton:BKS"), reason)

        // On RAV's topic, claiming to be BKS does not help: the topic names the sender.
        let pretending = Identifier()
        try answer(caseId, referralId, claiming: "/partner/bks", org: "canton:BKS", marker: pretending, on: "iiz.partner.rav.inbound.v1",
                   poison: true)
        let alsoRefused = try XCTUnwrap(try deadLetter(on: "iiz.partner.rav.inbound.v1.dlq", marker: pretending),
                                        "an answer on RAV's topic claiming to come from BKS was not refused")
        let claim = String(decoding: alsoRefused.header("dlq-reason") ?? [], as: UTF8.self)
        XCTAssertTrue(claim.contains("claims to come from /partner/bks"), claim)

        // BKS (the simulator, on its own topics) answers and ends the referral; only its answers count.
        XCTAssertNotNil(try eventually(within: 20) { () -> Bool? in
            try self.referrals(caseId).first?["status"] as? String == "ended" ? true : nil
        }, "the vocational school's own answers did not arrive")
        // One acceptance took effect: the simulator's. Neither refused answer left a trace.
        let timeline = try get("/cases/\(caseId)/dossier")["timeline"] as? [[String: Any]] ?? []
        let accepted = timeline.filter {
            $0["type"] as? String == "coordination.PartnerUpdateReceived" && ($0["data"] as? [String: Any])?["update"] as? String == "accepted"
        }
        XCTAssertEqual(accepted.count, 1, "\(accepted)")
    }

    /// A `partner.ReferralAccepted` for `referralId` on `topic`, with `marker` as correlation id.
    /// `poison` marks a record that breaks the contract on purpose (its source does not fit the
    /// topic), so that the CloudEvents check of the test run counts it apart.
    func answer(_ caseId: String, _ referralId: String, claiming source: String, org: String, marker: Identifier, on topic: String,
                poison: Bool = false) throws {
        try Self.events.publish(ReferralAccepted(referralId: try XCTUnwrap(Identifier(referralId)), caseId: try XCTUnwrap(Identifier(caseId)),
                                                 acceptedOn: .today()),
                                subject: caseId, topic: topic, source: source, actor: Actor(subject: "e2e-partner", organisation: org),
                                correlationid: marker, poison: poison)
    }

    /// The message on the dead-letter topic `topic` whose value contains `marker`, within 30 s.
    func deadLetter(on topic: String, marker: Identifier) throws -> KafkaMessage? {
        try TestBroker.first(in: topic, containing: marker.description)
    }
}

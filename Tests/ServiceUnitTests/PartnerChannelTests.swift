@testable import IASContracts
import XCTest

/// One pair of topics per partner, so that ACLs can keep each partner to what was sent to it.
final class PartnerChannelTests: XCTestCase {
    func testEachPartnerHasTopicsOfItsOwnAndTheSourceOfItsAnswers() {
        XCTAssertEqual(PartnerChannel.of(organisation: "partner:RAV"),
                       PartnerChannel(organisation: "partner:RAV", source: "/partner/rav",
                                      outbound: "iiz.partner.rav.outbound.v1", inbound: "iiz.partner.rav.inbound.v1"))
        XCTAssertEqual(PartnerChannel.of(organisation: "canton:BKS"),
                       PartnerChannel(organisation: "canton:BKS", source: "/partner/bks",
                                      outbound: "iiz.partner.bks.outbound.v1", inbound: "iiz.partner.bks.inbound.v1"))
        XCTAssertNil(PartnerChannel.of(organisation: "canton:AWA"), "no topics, no referrals")
    }

    func testNoTopicIsSharedAndEveryOneIsAContractTopic() {
        let topics = PartnerChannel.all.flatMap { [$0.outbound, $0.inbound] }
        XCTAssertEqual(Set(topics).count, topics.count)
        XCTAssertTrue(Set(topics).isSubset(of: Topics.all))
        XCTAssertEqual(Set(PartnerChannel.all.map(\.source)).count, PartnerChannel.all.count)
        XCTAssertFalse(Topics.all.contains("iiz.partner.outbound.v1"), "the shared pair is gone")
        XCTAssertFalse(Topics.all.contains("iiz.partner.inbound.v1"), "the shared pair is gone")
    }

    func testTheTopicOfARecordNamesThePartner() {
        XCTAssertEqual(PartnerChannel.answering(on: "iiz.partner.bks.inbound.v1"), .bks)
        XCTAssertEqual(PartnerChannel.referredOn("iiz.partner.rav.outbound.v1"), .rav)
        XCTAssertNil(PartnerChannel.answering(on: "iiz.partner.rav.outbound.v1"), "an outbound topic carries no answers")
        XCTAssertNil(PartnerChannel.referredOn("iiz.partner.bks.inbound.v1"))
        XCTAssertNil(PartnerChannel.answering(on: "ias.coordination.v1"))
    }
}

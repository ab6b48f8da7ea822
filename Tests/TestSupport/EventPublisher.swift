import Foundation
import IASContracts
import IASKafka
import IASMessaging
import IASRuntime

/// Puts events onto their topics as the service that owns them would, built from the payload
/// types of the contract (Shared/Contracts), so that a service can be driven without the
/// services upstream of it and every event a test writes is one the contract allows.
public final class EventPublisher: @unchecked Sendable {
    private let producer: KafkaProducer
    private let actor: Actor

    public init(clientId: String, actor: Actor = Actor(subject: "e2e", organisation: "canton:KSD")) throws {
        producer = try TestBroker.producer(clientId)
        self.actor = actor
    }

    public func close() { producer.close(timeout: 5) }

    /// Publishes `payload` about `subject` (the case id: the record's key) and waits for the
    /// broker's acknowledgement. By default on the topic of the payload's source, from that
    /// source; a test of a partner's answers names both. `poison` marks a record that breaks
    /// the contract on purpose (`TestEnvironment.poisonHeader`).
    @discardableResult
    public func publish<E: EventPayload>(_ payload: E, subject: String, topic: String? = nil, source: String? = nil,
                                         actor: Actor? = nil, correlationid: Identifier = Identifier(),
                                         poison: Bool = false) throws -> EventEnvelope {
        var envelope = try Self.envelope(payload, subject: subject, actor: actor ?? self.actor, correlationid: correlationid)
        if let source { envelope.source = source }
        guard let topic = topic ?? Self.topic(of: E.source) else { throw TestFailure("no topic for events of \(E.source): name one") }
        var record = try KafkaRecord.event(envelope, topic: topic)
        if poison { record.headers.append(TestEnvironment.poisonHeader) }
        try send(record)
        return envelope
    }

    /// Sends records as they are (duplicates, poison) and waits for every acknowledgement.
    public func send(_ records: KafkaRecord...) throws {
        for result in producer.send(records, timeout: 10) { try result.get() }
    }

    /// A record on `topic` that is no event at all (`{not json <marker>`), marked as poison on purpose.
    public static func poison(on topic: String, marker: String) -> KafkaRecord {
        KafkaRecord(topic: topic, key: Array("poison".utf8), value: Array("{not json \(marker)".utf8), headers: [TestEnvironment.poisonHeader])
    }

    /// The envelope of `payload`, as its service writes it.
    public static func envelope<E: EventPayload>(_ payload: E, subject: String, actor: Actor = Actor(subject: "e2e", organisation: "canton:KSD"),
                                                 correlationid: Identifier = Identifier()) throws -> EventEnvelope {
        try EventEnvelope(payload, subject: subject, actor: actor, correlationid: correlationid)
    }

    /// The topic a service publishes its events on: `/ias/plan` → `ias.plan.v1`.
    public static func topic(of source: String) -> String? {
        [Topics.intake, Topics.assessment, Topics.plan, Topics.costs, Topics.coordination].first { topic in
            source == "/ias/" + topic.split(separator: ".")[1]
        }
    }
}

extension PersonRegistered {
    /// A registration by the canton: a Syrian man born 1990-01-01, entered 2026-01-05, a recognised
    /// refugee; birth, status, its dates and the responsible organisation as a test needs them.
    public static func sample(caseId: Identifier = Identifier(), givenName: String, familyName: String,
                              dateOfBirth: CalendarDate = CalendarDate(year: 1990, month: 1, day: 1)!, status: ResidenceStatus = .FL,
                              enteredCantonOn: CalendarDate = CalendarDate(year: 2026, month: 1, day: 5)!, statusDecidedOn: CalendarDate? = nil,
                              responsibleOrg: String = "canton:KSD") -> PersonRegistered {
        PersonRegistered(personId: Identifier(), caseId: caseId, zemisNumber: nil, givenName: givenName, familyName: familyName,
                         dateOfBirth: dateOfBirth, sex: .male, nationality: "SY", languages: ["ar"], status: status,
                         enteredCantonOn: enteredCantonOn, statusDecidedOn: statusDecidedOn, householdId: nil,
                         accommodation: .cantonal, responsibleOrg: responsibleOrg)
    }
}

import IASContracts
import IASCrypto
import IASMessaging
import IASPostgres
import IASRuntime

/// The personal data of intake's events, sealed per case (`PersonalDataSeal`, `CaseEventKeys`).
extension ServiceHost {
    /// Makes this service the issuer of case keys: its emitter seals the personal fields of
    /// its events, issuing the case's key (and `CaseKeyIssued` on `Topics.caseKeys`, in the
    /// same transaction and before the event) when the case has none yet. Intake only.
    public func sealPersonalData() {
        precondition(topics.contains(Topics.caseKeys), "the service that seals events publishes \(Topics.caseKeys)")
        sealsPersonalData = true
    }

    /// `envelope` with its personal fields sealed under its case's key.
    func seal(_ envelope: EventEnvelope, on c: PostgresConnection) throws -> EventEnvelope {
        guard PersonalDataSeal.appliesTo(envelope.type), let caseId = Identifier(envelope.subject) else { return envelope }
        switch try CaseEventKeys.stored(caseId, on: c) {
        case .key(let keyId, let wrapped):
            return try PersonalDataSeal.seal(envelope, key: CaseEventKeys.unwrap(wrapped, caseId: caseId, ring: caseKeyRing), keyId: keyId)
        case .missing:
            // The registration, or a case registered before events were sealed: its key now.
            let (key, issued) = try CaseEventKeys.issue(caseId, ring: caseKeyRing, on: c)
            let sameCause = Cause(actor: Actor(subject: envelope.actorsub, organisation: envelope.actororg),
                                  correlationId: envelope.correlationid, causationId: envelope.causationid)
            try Emitter(topic: Topics.caseKeys, cause: sameCause, connection: c).emit(issued, caseId: caseId)
            return try PersonalDataSeal.seal(envelope, key: key, keyId: issued.keyId)
        case .destroyed:
            throw Refusal.gone("the case \(caseId) was erased at the end of its retention")
        }
    }

    /// The event as the handlers read it (`CaseEventKeys.open`); nil when it is to be skipped:
    /// its case was erased here, or its key destroyed by intake's erasure.
    func openPersonalData(_ envelope: EventEnvelope, on c: PostgresConnection) throws -> EventEnvelope? {
        guard let caseId = Identifier(envelope.subject) else { return envelope }
        let (erased, key) = try CaseEventKeys.lockAndRead(caseId, on: c)
        return erased ? nil : try CaseEventKeys.open(envelope, caseId: caseId, stored: key, ring: caseKeyRing)
    }
}

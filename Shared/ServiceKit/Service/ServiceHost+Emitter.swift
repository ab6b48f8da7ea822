import IASPostgres

extension ServiceHost {
    /// An emitter onto the service's own topic (the first it publishes) in the transaction of `connection`.
    public func emitter(_ cause: Cause, on connection: PostgresConnection) -> Emitter {
        Emitter(topic: topics[0], cause: cause, connection: connection, seal: sealsPersonalData ? { [self] in try seal($0, on: $1) } : nil)
    }
}

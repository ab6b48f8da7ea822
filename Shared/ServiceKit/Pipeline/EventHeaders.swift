/// The two headers that let a caller read its own writes across services.
public enum EventHeaders {
    /// On the answer of a write that emitted events: the id of the last one
    /// (`ServiceHost.write(_:_:)`).
    public static let eventId = "IAS-Event-Id"
    /// On any authenticated request: event ids (comma-separated) the service must have before
    /// it answers (`AwaitedEvents`).
    public static let awaitEvent = "IAS-Await-Event"
    /// Ids one request may name at most.
    public static let maxAwaited = 16
}

import IASHTTP
import IASMessaging
import IASPostgres

/// What a test needs to run a service's handlers and projections in its own process against a
/// database, without `start()`: nothing here starts a thread, a server, the relay or a consumer.
extension ServiceHost {
    /// The subscriptions registered so far: the topics consumed and the handler of each.
    public var eventSubscriptions: [EventSubscription] { subscriptions }

    /// Answers `request` as the running service would: the server's middleware, the route's
    /// pipeline and handler, without a socket.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        router.freeze().respond(to: request, through: HTTPServer.standardMiddleware(metrics: metrics, errorMapper: ServiceHost.mapError))
    }
}

import Foundation
import IASContracts
import IASHTTP
import IASKafka
import IASRuntime

// `ias-partner-simulator`: RAV/AMIplus and the vocational school for the local stack and the
// tests. No database; /healthz and /readyz on IAS_HTTP_PORT; exits cleanly on SIGTERM.
let configuration: SimulatorConfiguration
do { configuration = try SimulatorConfiguration.load() } catch {
    Logger(label: "partner-simulator").error("cannot start", ["error": String(describing: error)])
    exit(1)
}
let logger = Logger(label: "partner-simulator", minimumLevel: configuration.logLevel, fields: ["instance": configuration.instanceId])
do {
    try KafkaLibrary.requireSupportedVersion()
    try KafkaLibrary.requireFeatures(for: configuration.security)
    let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
    let simulator = PartnerSimulator(configuration: configuration, producer: producer, logger: logger)
    let router = Router()
    router.get("/healthz") { _ in .json(["status": "ok", "service": "partner-simulator"]) }
    router.get("/readyz") { _ in
        let ready = simulator.isReady
        return .json(["status": ready ? "ready" : "not_ready"], status: ready ? 200 : 503)
    }
    var http = HTTPServerConfiguration(port: configuration.httpPort)
    http.host = configuration.httpHost
    http.gracePeriod = 2
    // Started in this order, stopped in reverse: the HTTP server first, the producer last.
    WorkerGroup("partner-simulator", [
        AnyWorker.closing("producer") { producer.close(timeout: 5) },
        simulator,
        HTTPServer(configuration: http, router: router, logger: logger, metrics: MetricsRegistry()),
    ], logger: logger, whenStarted: {
        logger.info("started", ["enrolAfterMs": String(configuration.enrolAfterMs), "endAfterMs": String(configuration.endAfterMs),
                                "kafkaSecurity": configuration.security.description])
    }).runUntilTerminated(shutdownBound: Double(configuration.shutdownSeconds))
} catch {
    logger.error("cannot start", ["error": String(describing: error)])
    exit(1)
}

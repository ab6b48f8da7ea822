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
let lifecycle = Lifecycle(logger: logger, shutdownBoundSeconds: Double(configuration.shutdownSeconds))
let simulator: PartnerSimulator
let server: HTTPServer
do {
    try KafkaLibrary.requireSupportedVersion()
    try KafkaLibrary.requireFeatures(for: configuration.security)
    let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
    lifecycle.onShutdown("producer") { producer.close(timeout: 5) }
    // Every partner's topics must exist before the first answer is produced.
    var backoff = 0.5
    while true {
        do {
            let admin = try KafkaAdmin(configuration: configuration.kafka, logger: logger)
            defer { admin.close() }
            let topics = PartnerChannel.all.flatMap { [$0.outbound, $0.inbound] }
            try admin.ensureTopics(topics.map { ($0, configuration.topicPartitions) }, timeout: 10)
            break
        } catch {
            logger.warning("broker not reachable yet; retrying", ["error": String(describing: error), "retryInSeconds": String(backoff)])
            Thread.sleep(forTimeInterval: backoff)
            backoff = min(backoff * 2, 5)
        }
    }
    let consumer = try KafkaConsumer(configuration: configuration.kafka, groupId: "ias-partner-simulator",
                                     topics: PartnerChannel.all.map(\.outbound), logger: logger)
    simulator = PartnerSimulator(configuration: configuration, consumer: consumer, producer: producer, logger: logger)
    lifecycle.onShutdown("simulator") { simulator.stop() }

    let router = Router()
    router.get("/healthz") { _ in .json(["status": "ok", "service": "partner-simulator"]) }
    router.get("/readyz") { _ in
        let ready = simulator.isReady
        return .json(["status": ready ? "ready" : "not_ready"], status: ready ? 200 : 503)
    }
    var http = HTTPServerConfiguration(port: configuration.httpPort)
    http.host = configuration.httpHost
    server = HTTPServer(configuration: http, router: router, logger: logger, metrics: MetricsRegistry())
    try server.start()
    lifecycle.onShutdown("http server") { server.stop(gracePeriod: 2) }
    simulator.start()
    logger.info("started", ["enrolAfterMs": String(configuration.enrolAfterMs), "endAfterMs": String(configuration.endAfterMs),
                            "kafkaSecurity": configuration.security.description])
} catch {
    logger.error("cannot start", ["error": String(describing: error)])
    exit(1)
}
lifecycle.waitForSignal()
exit(0)

import IASRuntime

extension Logger {
    /// The logger the bench hands to the clients it drives (PostgreSQL pools, Kafka clients):
    /// their warnings and errors only, so that they do not bury the bench's own output.
    static let bench = Logger(label: "bench", minimumLevel: .warning)
}

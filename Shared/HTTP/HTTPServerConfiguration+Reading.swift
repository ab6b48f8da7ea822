import IASRuntime

extension HTTPServerConfiguration {
    /// The server's keys (`IAS_HTTP_*`), read the same way by every executable that serves HTTP.
    public static func read(from reader: ConfigurationReader, defaultPort: Int) -> HTTPServerConfiguration {
        var http = HTTPServerConfiguration(port: reader.int("IAS_HTTP_PORT", default: defaultPort, range: 0...65535))
        http.host = reader.string("IAS_HTTP_HOST", default: "0.0.0.0")
        http.maxBodyBytes = reader.int("IAS_HTTP_MAX_BODY_BYTES", default: 1_048_576, range: 1024...(64 << 20))
        http.maxHeaderBytes = reader.int("IAS_HTTP_MAX_HEADER_BYTES", default: 16_384, range: 1024...(1 << 20))
        http.maxConnections = reader.int("IAS_HTTP_MAX_CONNECTIONS", default: 512, range: 1...100_000)
        http.readTimeout = reader.double("IAS_HTTP_READ_TIMEOUT_SECONDS", default: 10, range: 0.1...600)
        http.idleTimeout = reader.double("IAS_HTTP_IDLE_TIMEOUT_SECONDS", default: 30, range: 0.1...3600)
        return http
    }
}

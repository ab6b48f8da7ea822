import Foundation
import IASHTTPClient
import IASRuntime

/// Where coordination asks the other services for their part of a person's export, and the
/// bounds of one export.
///
/// `IAS_SUBJECT_ACCESS_<SERVICE>_URL` ("http://host:port") of intake, assessment, plan and
/// costs; `IAS_SUBJECT_ACCESS_TIMEOUT_SECONDS` (60) for one service's answer;
/// `IAS_SUBJECT_ACCESS_MAX_BYTES` (256 MiB): the archive is built in memory and refused as a
/// whole (413) beyond this, never cut short; each service's part is bounded by it too.
struct SubjectAccessSettings: Sendable {
    /// The other four services in the suite's order; coordination's own part is read in process.
    let endpoints: [(service: String, endpoint: ServiceEndpoint)]
    let timeoutSeconds: Double
    let maxBytes: Int

    static func read(from reader: ConfigurationReader) -> SubjectAccessSettings {
        let urls = [
            ("intake", reader.string("IAS_SUBJECT_ACCESS_INTAKE_URL", default: "http://127.0.0.1:8081")),
            ("assessment", reader.string("IAS_SUBJECT_ACCESS_ASSESSMENT_URL", default: "http://127.0.0.1:8082")),
            ("plan", reader.string("IAS_SUBJECT_ACCESS_PLAN_URL", default: "http://127.0.0.1:8083")),
            ("costs", reader.string("IAS_SUBJECT_ACCESS_COSTS_URL", default: "http://127.0.0.1:8084")),
        ]
        let timeout = reader.double("IAS_SUBJECT_ACCESS_TIMEOUT_SECONDS", default: 60, range: 1...600)
        let maxBytes = reader.int("IAS_SUBJECT_ACCESS_MAX_BYTES", default: 268_435_456, range: (1 << 20)...(2 << 30))
        var endpoints: [(service: String, endpoint: ServiceEndpoint)] = []
        for (service, url) in urls {
            if let endpoint = ServiceEndpoint(url: url) { endpoints.append((service, endpoint)) } else {
                reader.report("IAS_SUBJECT_ACCESS_\(service.uppercased())_URL=\(url) is not http://host:port")
            }
        }
        return SubjectAccessSettings(endpoints: endpoints, timeoutSeconds: timeout, maxBytes: maxBytes)
    }

    /// The local defaults (tests in process).
    static var standard: SubjectAccessSettings { read(from: ConfigurationReader(environment: [:])) }
}

// swift-tools-version:6.0
// The IAS case-management suite: five services and their shared library.
// Toolchain and system C libraries only (libpq, librdkafka, libcrypto) — no package dependencies.
import PackageDescription

let services = ["Intake", "Assessment", "Plan", "Costs", "Coordination"]

/// Data files a service ships besides its migrations and OpenAPI document (rule sets, catalogues).
let extraResources: [String: [Resource]] = [
    "Intake": [],
    "Assessment": [.copy("triage-rules.json")],
    "Plan": [.copy("measure-catalog.json"), .copy("pathways.json")],
    "Costs": [],
    "Coordination": [.copy("task-rules.json"), .copy("DigestTexts")],
]

var targets: [Target] = [
    // MARK: C libraries
    .systemLibrary(
        name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
        providers: [.apt(["libpq-dev"])]),
    .systemLibrary(
        name: "COpenSSL", path: "Shared/COpenSSL", pkgConfig: "libcrypto",
        providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
        name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka",
        providers: [.apt(["librdkafka-dev"])]),

    // MARK: Shared library, one module per concern
    .target(name: "IASRuntime", path: "Shared/Runtime"),
    // AES-256-GCM, case keys wrapped by master keys, chunked documents, SHA-256: libcrypto only.
    .target(name: "IASCrypto", dependencies: ["COpenSSL", "IASRuntime"], path: "Shared/Crypto"),
    .target(name: "IASPostgres", dependencies: ["CLibPQ", "IASCrypto", "IASRuntime"], path: "Shared/Postgres"),
    .target(name: "IASKafka", dependencies: ["CRdKafka", "IASRuntime"], path: "Shared/Kafka"),
    .target(name: "IASAuth", dependencies: ["COpenSSL", "IASRuntime"], path: "Shared/Auth"),
    // Mints HS256 tokens: for ias-token, ias-bench and the tests only, never for an executable
    // of the image (deploy/checks: image-tools).
    .target(name: "IASTokenSigning", dependencies: ["IASAuth", "IASRuntime"], path: "Shared/TokenSigning"),
    .target(name: "IASHTTP", dependencies: ["IASRuntime"], path: "Shared/HTTP"),
    // The one HTTP client: keep-alive, timeouts, limits; for the tests, the load generator and
    // any service that calls another. Beside it the SMTP client of the digest (TLS through libssl).
    .target(name: "IASHTTPClient", dependencies: ["COpenSSL", "IASHTTP", "IASRuntime"], path: "Shared/HTTPClient"),
    .target(
        name: "IASMessaging", dependencies: ["IASRuntime", "IASPostgres", "IASKafka"],
        path: "Shared/Messaging", resources: [.copy("Migrations")]),
    .target(name: "IASContracts", dependencies: ["IASMessaging", "IASCrypto"], path: "Shared/Contracts"),
    .target(
        name: "IASServiceKit",
        dependencies: ["IASRuntime", "IASPostgres", "IASKafka", "IASHTTP", "IASAuth", "IASMessaging", "IASContracts", "IASCrypto"],
        path: "Shared/ServiceKit", resources: [.copy("Migrations"), .copy("RetentionMigrations"), .copy("retention-rules.json")]),

    // MARK: Tests — unit (pure logic), integration (real PostgreSQL and broker), end to end (running services)
    .testTarget(name: "RuntimeUnitTests", dependencies: ["IASRuntime", "TestSupport"], path: "Tests/RuntimeUnitTests"),
    .testTarget(name: "CryptoUnitTests", dependencies: ["IASCrypto", "IASRuntime"], path: "Tests/CryptoUnitTests"),
    // What the tests share, and the load generator with them: the environment of `make test`,
    // fresh databases, the broker, tokens, the identity provider (idp.py: PyJWT and cryptography
    // sign tokens and write JWKS files), the HTTP client, events built from the contract, the
    // case journey through the public API and the services as processes.
    .target(
        name: "TestSupport",
        dependencies: ["IASRuntime", "IASHTTP", "IASHTTPClient", "IASAuth", "IASTokenSigning", "IASPostgres", "IASKafka", "IASMessaging",
                       "IASContracts"],
        path: "Tests/TestSupport", exclude: ["idp.py", "smtp_server.py"]),
    .testTarget(
        name: "AuthUnitTests", dependencies: ["IASAuth", "IASTokenSigning", "IASRuntime", "TestSupport"],
        path: "Tests/AuthUnitTests"),
    .testTarget(name: "HTTPUnitTests", dependencies: ["IASRuntime", "IASHTTP", "IASHTTPClient", "TestSupport"], path: "Tests/HTTPUnitTests"),
    .testTarget(
        name: "ServiceUnitTests",
        dependencies: ["IASRuntime", "IASKafka", "IASMessaging", "IASContracts", "IASServiceKit", "IASCrypto"] + services.map { .target(name: "\($0)Service") },
        path: "Tests/ServiceUnitTests", resources: [.copy("Fixtures")]),
    .testTarget(name: "IntakeUnitTests", dependencies: ["IntakeService", "IASContracts", "IASRuntime", "IASServiceKit"], path: "Tests/IntakeUnitTests"),
    .testTarget(name: "AssessmentUnitTests", dependencies: ["AssessmentService", "IASContracts", "IASRuntime"], path: "Tests/AssessmentUnitTests"),
    .testTarget(name: "PlanUnitTests", dependencies: ["PlanService", "IASContracts", "IASRuntime"], path: "Tests/PlanUnitTests"),
    .testTarget(name: "CostsUnitTests", dependencies: ["CostsService", "IASContracts", "IASRuntime"], path: "Tests/CostsUnitTests"),
    .testTarget(name: "CoordinationUnitTests", dependencies: ["CoordinationService", "IASContracts", "IASRuntime", "IASPostgres", "IASHTTP", "IASHTTPClient"], path: "Tests/CoordinationUnitTests"),
    .testTarget(name: "PostgresIntegrationTests", dependencies: ["IASRuntime", "IASPostgres", "TestSupport"], path: "Tests/PostgresIntegrationTests"),
    .testTarget(name: "KafkaUnitTests", dependencies: ["IASRuntime", "IASKafka"], path: "Tests/KafkaUnitTests"),
    .testTarget(name: "KafkaIntegrationTests", dependencies: ["IASRuntime", "IASKafka", "TestSupport"], path: "Tests/KafkaIntegrationTests"),
    .testTarget(
        name: "MessagingIntegrationTests",
        dependencies: ["IASRuntime", "IASPostgres", "IASKafka", "IASMessaging", "TestSupport"],
        path: "Tests/MessagingIntegrationTests"),
    // A service's handlers and projections in the test process against the real PostgreSQL:
    // its app on a ServiceHost that starts nothing (no server, relay or consumers).
    .testTarget(
        name: "ServiceIntegrationTests",
        dependencies: ["IASRuntime", "IASHTTP", "IASPostgres", "IASMessaging", "IASContracts", "IASServiceKit", "IASCrypto", "TestSupport"]
            + services.map { .target(name: "\($0)Service") },
        path: "Tests/ServiceIntegrationTests"),
    .testTarget(
        name: "EndToEndTests",
        dependencies: ["IASRuntime", "IASAuth", "IASTokenSigning", "IASPostgres", "IASKafka", "IASMessaging", "IASContracts", "IASHTTP", "IASHTTPClient",
                       "IASCrypto", "TestSupport"],
        path: "Tests/EndToEndTests"),
]

// Coordination keeps the documents, encrypted (IASCrypto), and gathers a person's export from the other services (IASHTTPClient).
let extraDependencies: [String: [Target.Dependency]] = ["Coordination": ["IASCrypto", "IASHTTPClient"]]

// One library (domain, persistence, routes, handlers, migrations) and one executable per service.
for service in services {
    targets.append(.target(
        name: "\(service)Service", dependencies: ["IASServiceKit", "IASContracts"] + (extraDependencies[service] ?? []),
        path: "Services/\(service)/Sources", resources: [.copy("Migrations"), .copy("openapi.json")] + (extraResources[service] ?? [])))
    targets.append(.executableTarget(
        name: "ias-\(service.lowercased())", dependencies: [.target(name: "\(service)Service")],
        path: "Services/\(service)/Main"))
}

// The case workers' portal: server-rendered pages over the five services' APIs; owns no case data.
targets.append(.target(
    name: "PortalService", dependencies: ["IASRuntime", "IASHTTP", "IASHTTPClient", "IASAuth", "IASCrypto", "IASContracts"],
    path: "Services/Portal/Sources", resources: [.copy("Messages")]))
targets.append(.executableTarget(name: "ias-portal", dependencies: ["PortalService"], path: "Services/Portal/Main"))
// The portal's pages in the test process, with services out of reach: sign-in, sessions, CSRF,
// headers, languages, forms checked before any service is asked.
targets.append(.testTarget(
    name: "PortalUnitTests", dependencies: ["PortalService", "IASHTTP", "IASHTTPClient", "IASRuntime", "IASAuth", "IASTokenSigning"],
    path: "Tests/PortalUnitTests"))

// Operator commands (dead-letter replay, consistency check); in the image, so it mints nothing.
targets.append(.executableTarget(name: "ias-admin", dependencies: ["IntakeService", "PlanService", "CostsService", "CoordinationService", "IASServiceKit", "IASRuntime", "IASPostgres", "IASKafka", "IASMessaging", "IASContracts", "IASHTTPClient"], path: "Services/Tools/Admin"))
// HS256 tokens for the local stack (`make token`); never in the image.
targets.append(.executableTarget(name: "ias-token", dependencies: ["IASAuth", "IASTokenSigning", "IASRuntime"], path: "Services/Tools/Token"))
// The load generator of `make bench`: drives cases through the HTTP API and measures them; never in the image.
// Its cases go through the same typed journey as the end-to-end tests (TestSupport).
targets.append(.executableTarget(
    name: "ias-bench", dependencies: ["IASRuntime", "IASKafka", "IASPostgres", "IASHTTPClient", "IASCrypto", "TestSupport"],
    path: "Services/Tools/Bench"))
targets.append(.testTarget(name: "BenchUnitTests", dependencies: ["ias-bench", "TestSupport"], path: "Tests/BenchUnitTests"))
// Plays RAV/AMIplus and the vocational school on the partner topics (local stack and tests).
targets.append(.executableTarget(
    name: "ias-partner-simulator", dependencies: ["IASRuntime", "IASKafka", "IASMessaging", "IASContracts", "IASHTTP"],
    path: "Services/PartnerSimulator"))

let package = Package(
    name: "ias-case-management",
    platforms: [.macOS(.v14)],
    products: (services.map { "ias-\($0.lowercased())" } + ["ias-portal", "ias-admin", "ias-partner-simulator", "ias-token", "ias-bench"]).map { .executable(name: $0, targets: [$0]) },
    targets: targets,
    swiftLanguageModes: [.v6]
)

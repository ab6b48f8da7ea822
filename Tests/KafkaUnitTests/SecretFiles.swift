import Foundation

/// Files the security settings name (password, CA certificate), in a directory of their own
/// that is removed with the value.
final class SecretFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ias-kafka-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to a new file and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A self-signed CA certificate (its key was never kept): enough for librdkafka to load a
    /// trust store from `ssl.ca.location`.
    static let caCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBnzCCAUWgAwIBAgIUaQ3jgZQIDWaTAEY3jkyIucmhaE8wCgYIKoZIzj0EAwIw
        JDEiMCAGA1UEAwwZSUFTIHRlc3QgQ0EgKG5vIGtleSBrZXB0KTAgFw0yNjEyMDYy
        MDEyNDhaGA8yMTI2MTExMjIwMTI0OFowJDEiMCAGA1UEAwwZSUFTIHRlc3QgQ0Eg
        KG5vIGtleSBrZXB0KTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHjjExmw2Tr0
        LtBZbdlSfkFf9tW36WOxyhjUHdfl9jN4XFpgMZWnAt3BBuvCeRiTEv1McsTTWlco
        wS2rGHD5BhijUzBRMB0GA1UdDgQWBBS/2WvT8QIZMGFDW2rwEgwjtrix2DAfBgNV
        HSMEGDAWgBS/2WvT8QIZMGFDW2rwEgwjtrix2DAPBgNVHRMBAf8EBTADAQH/MAoG
        CCqGSM49BAMCA0gAMEUCIQD94SyFGnV0No3pl+W/7QjtOQEDRh7rYyI81+tTHM7x
        zwIgSXFr9ylp2AMM1F8Mn3qGl78KsV0hKvj5XXptL3sNxTU=
        -----END CERTIFICATE-----

        """
}

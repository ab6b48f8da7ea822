import Foundation
import IASHTTPClient
import IASRuntime

/// `ias-admin export-person PERSON_ID --out FILE`: the archive of a person's access request,
/// as coordination builds it (`GET /subject-access/{personId}/archive`), written to FILE.
/// One builder: the command asks coordination with the operator's own token, so that the
/// access rule (auditor of KSD or DVI) and the audit record are those of the endpoint.
///
/// `IAS_EXPORT_COORDINATION_URL` (http://127.0.0.1:8085), `IAS_EXPORT_TOKEN` (the operator's
/// bearer token from the identity provider; never an argument, which `ps` would show),
/// `IAS_EXPORT_TIMEOUT_SECONDS` (300). Exit 0 written, 1 refused by coordination, 2 wrong use.
enum ExportPersonCommand {
    static let name = "export-person"

    static func run(_ arguments: [String]) -> Int32 {
        guard let personId = arguments.first, Identifier(personId) != nil else {
            CommandLineOptions.fail("export-person needs the person's id (a UUID) first, then --out FILE")
        }
        let options = CommandLineOptions.parse(arguments.dropFirst(), flags: [])
        guard let out = options["out"], !out.isEmpty else { CommandLineOptions.fail("export-person needs --out FILE") }
        let reader = ConfigurationReader()
        let url = reader.string("IAS_EXPORT_COORDINATION_URL", default: "http://127.0.0.1:8085")
        let token = reader.required("IAS_EXPORT_TOKEN", hint: "the bearer token of an auditor of KSD or DVI")
        let timeout = reader.double("IAS_EXPORT_TIMEOUT_SECONDS", default: 300, range: 1...3600)
        let endpoint = ServiceEndpoint(url: url)
        if endpoint == nil { reader.report("IAS_EXPORT_COORDINATION_URL=\(url) is not http://host:port") }
        do { try reader.validate() } catch { CommandLineOptions.fail("export-person: \(error)") }
        guard let endpoint else { return 2 }

        var configuration = HTTPClientConfiguration(host: endpoint.host, port: endpoint.port, readTimeout: timeout)
        configuration.maxBodyBytes = Int(UInt32.max)
        let client = HTTPClient(configuration)
        defer { client.close() }
        do {
            let response = try client.request("GET", "/subject-access/\(personId)/archive",
                                              headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/zip")])
            guard response.status == 200 else {
                let detail = (try? response.json())?["detail"]?.stringValue ?? response.text
                CommandLineOptions.printError("export-person: coordination answered \(response.status): \(detail)")
                return 1
            }
            // Written beside the target and moved into place: a reader never sees half an archive.
            let partial = out + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: Data(response.body), attributes: [.posixPermissions: 0o600]) else {
                CommandLineOptions.fail("export-person: cannot write \(partial)")
            }
            if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
            try FileManager.default.moveItem(atPath: partial, toPath: out)
            print("export-person: \(out) written (\(response.body.count) bytes); its manifest.json lists every file with its SHA-256")
            return 0
        } catch {
            CommandLineOptions.printError("export-person: \(error)")
            return 1
        }
    }
}

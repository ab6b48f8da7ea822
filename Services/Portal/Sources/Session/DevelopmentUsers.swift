import Foundation
import IASAuth
import IASRuntime

/// The local stack's sign-in: a list of demo users, each with a token minted by `ias-token`
/// when the stack starts (deploy/local writes the file). The portal mints nothing itself and
/// refuses this list in production (PortalSettings).
///
///     [{"id": "ksd-caseworker", "label": "Canton KSD, case worker", "token": "eyJ…"}, …]
public struct DevelopmentUsers: Sendable {
    public struct User: Sendable, Decodable {
        public let id: String
        public let label: String
        public let token: String
    }

    public let users: [User]

    public static func load(path: String) throws -> DevelopmentUsers {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PortalSetupError("IAS_PORTAL_DEV_USERS_FILE=\(path) cannot be read: \(error.localizedDescription)")
        }
        guard let list = try? JSONCoding.decode([User].self, from: [UInt8](data)), !list.isEmpty else {
            throw PortalSetupError("IAS_PORTAL_DEV_USERS_FILE=\(path) must be a JSON list of {id, label, token}")
        }
        return DevelopmentUsers(users: list)
    }

    public func user(_ id: String) -> User? { users.first { $0.id == id } }
}

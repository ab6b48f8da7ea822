import Foundation
import IASMessaging
import IASPostgres

/// The tables of the retention job in every service (`erased_cases`), as component "retention".
public enum RetentionMigrations {
    public static let component = "retention"

    public static func load() throws -> [Migration] {
        guard let url = Bundle.module.url(forResource: "RetentionMigrations", withExtension: nil) else {
            throw MessagingSetupError("the retention migrations are missing from the installation (IASServiceKit resources)")
        }
        return try Migrator.load(directory: url)
    }
}

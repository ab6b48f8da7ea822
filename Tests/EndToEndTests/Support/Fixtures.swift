import Foundation

/// Request bodies for registrations; every call gets a fresh, valid ZEMIS number.
enum Fixtures {
    private static let counter = NSLock()
    nonisolated(unsafe) private static var next = Int.random(in: 10_000_000...80_000_000)

    static func zemis() -> String {
        counter.lock(); defer { counter.unlock() }
        next += 1
        return String(next)
    }

    static func person(givenName: String = "Amina", familyName: String = "Test-\(UUID().uuidString.prefix(8))",
                       status: String = "VA", accommodation: String = "cantonal", responsibleOrg: String? = nil) -> [String: Any] {
        var body: [String: Any] = [
            "zemisNumber": zemis(), "givenName": givenName, "familyName": familyName, "dateOfBirth": "1994-03-02",
            "sex": "female", "nationality": "ER", "languages": ["ti", "ar"], "status": status,
            "enteredCantonOn": "2026-09-01", "accommodation": accommodation,
        ]
        if status != "N" { body["statusDecidedOn"] = "2026-08-20" }
        if let responsibleOrg { body["responsibleOrg"] = responsibleOrg }
        return body
    }
}

import Foundation

/// Registrations in bulk (the load generator's cases): adults between 27 and 46 with ten years of school,
/// so that triage finds them ready for the labour market and the plan holds AMIPLUS. Every
/// ZEMIS number is new, and no two persons share a date of birth and a similar name (intake
/// would hold them back as possible duplicates).
public struct PersonFactory: Sendable {
    private static let givenNames = ["Amina", "Farid", "Selam", "Yonas", "Nour", "Hassan", "Omar", "Lula", "Tesfaye", "Mariam",
                                     "Dawit", "Rahel", "Aziz", "Samira", "Abdullah", "Hawa", "Kidist", "Mohammed", "Zahra",
                                     "Bilal", "Fatima", "Senait", "Yusuf", "Leyla"]
    private static let familyNames = ["Haile", "Okonkwo", "Rahimi", "Tesfamariam", "Yilmaz", "Karimi", "Abdi", "Mensah",
                                      "Nazari", "Gebremedhin", "Sultani", "Osman", "Haidari", "Berhane", "Jalali", "Warsame",
                                      "Ahmadzai", "Kidane", "Popal", "Mahmoud"]
    private static let daysOfBirth = 6_900   // 27 to 46 years back (triage: labour market from 26)

    /// Tells this run's family names and list references apart from earlier runs'.
    public let run: String
    let zemisBase: Int
    /// When the factory was made: a run's persons all entered on that day.
    let madeAt: Date

    public init() {
        run = String(UUID().uuidString.prefix(6)).lowercased()
        // Nine-digit ZEMIS numbers; a random block of a million per run, so that runs on one
        // database don't collide.
        zemisBase = 100_000_000 + Int.random(in: 0..<899) * 1_000_000
        madeAt = Date()
    }

    public func person(_ index: Int, status: String = "N") -> NewPerson {
        let dayOffset = Int(27 * 365.25) + index % Self.daysOfBirth
        let cohort = index / Self.daysOfBirth
        let family = Self.familyNames[cohort % Self.familyNames.count] + "-\(run)\(cohort / Self.familyNames.count)"
        // Persons born on the same day are `daysOfBirth` apart in index and one cohort apart:
        // shifting by the cohort gives them different given names for the first 24 cohorts
        // (165,600 persons), so that similar family names never make them look like one person.
        return NewPerson(zemisNumber: String(zemisBase + index), givenName: Self.givenNames[(index + cohort) % Self.givenNames.count],
                         familyName: family, dateOfBirth: Self.isoDate(madeAt.addingTimeInterval(-Double(dayOffset) * 86_400)),
                         sex: index % 2 == 0 ? "female" : "male", nationality: "ER", languages: ["ti"], status: status,
                         enteredCantonOn: Self.isoDate(madeAt), statusDecidedOn: status == "N" ? nil : Self.isoDate(madeAt))
    }

    /// Today in UTC, as the API writes its dates; read afresh each time, since a run may pass
    /// midnight.
    public static var today: String { isoDate(Date()) }

    /// `yyyy-MM-dd` in UTC; plain arithmetic, since a formatter per person was the load
    /// generator's largest cost in building a list.
    public static func isoDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }
}

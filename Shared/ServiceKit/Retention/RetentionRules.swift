import Foundation
import IASRuntime

/// How long each kind of record is kept, and from when: the retention rules as data
/// (`retention-rules.json` shipped with the code, or a canton's file named by
/// `IAS_RETENTION_RULES_FILE`). Read and checked at start; every problem is reported.
public struct RetentionRules: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case caseData = "case-data"
        case idempotencyRecords = "idempotency-records"
        case publishedOutboxEvents = "published-outbox-events"
        case inboxEntries = "inbox-entries"
        case deadLetters = "dead-letters"
        /// Kept by the broker on the outbound partner topics; no service deletes anything for it.
        case partnerMessages = "partner-messages"
        case auditTrail = "audit-trail"
        case withdrawnDocuments = "withdrawn-documents"

        /// The moment each kind is counted from; the file names it too, so that it reads
        /// unambiguously, and a file that says otherwise is refused.
        public var countedFrom: String {
            switch self {
            case .caseData: "closure"
            case .idempotencyRecords: "creation"
            case .publishedOutboxEvents: "publication"
            case .inboxEntries: "receipt"
            case .deadLetters: "dead-lettering"
            case .partnerMessages: "publication"
            case .auditTrail: "recording"
            case .withdrawnDocuments: "withdrawal"
            }
        }
    }

    public struct Rule: Sendable {
        public let kind: Kind
        public let keep: RetentionPeriod
        /// Withdrawn documents only: a period per document category (`keep` for the others).
        public let byCategory: [String: RetentionPeriod]
    }

    /// The outbound partner topics' period when a canton's file has no partner-messages rule.
    public static let defaultPartnerMessages = RetentionPeriod("P90D")!

    /// The audit trail is kept at least this long, whatever a canton's file says.
    public static let minimumAuditTrail = RetentionPeriod("P1Y")!

    public let version: String
    private let rules: [Kind: Rule]

    public subscript(kind: Kind) -> Rule { rules[kind]! }   // parse refuses a file without every kind

    // MARK: Loading

    /// The rules shipped with the code (`retention-rules.json`), the starting point of a canton's file.
    public static var bundledFile: URL? { Bundle.module.url(forResource: "retention-rules", withExtension: "json") }

    /// The bundled rules, or the file at `path` (a canton's own).
    public static func load(path: String) throws -> RetentionRules {
        let url: URL
        if !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            guard let bundled = bundledFile else {
                throw RetentionRulesError(problems: ["the bundled retention-rules.json is missing from the installation"])
            }
            url = bundled
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RetentionRulesError(problems: ["cannot read the retention rules at \(url.path)"])
        }
        return try parse(data)
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            let kind: String
            let keep: String
            let from: String
            let byCategory: [String: String]?
            let note: String?
        }
        let version: String
        let rules: [Entry]
    }

    public static func parse(_ data: Data) throws -> RetentionRules {
        let file: File
        do { file = try JSONCoding.decode(File.self, from: data) } catch {
            throw RetentionRulesError(problems: ["the retention rules are not valid: \(JSONCoding.explain(error))"])
        }
        var problems: [String] = []
        if file.version.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("version must not be empty") }
        var rules: [Kind: Rule] = [:]
        for entry in file.rules {
            guard let kind = Kind(rawValue: entry.kind) else {
                problems.append("unknown kind '\(entry.kind)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            if rules[kind] != nil { problems.append("\(kind.rawValue) is given twice") }
            if entry.from != kind.countedFrom {
                problems.append("\(kind.rawValue) is counted from \(kind.countedFrom), not from '\(entry.from)'")
            }
            guard let keep = RetentionPeriod(entry.keep) else {
                problems.append("\(kind.rawValue): keep '\(entry.keep)' is not an ISO-8601 duration such as P10Y, P7D or PT72H")
                continue
            }
            var byCategory: [String: RetentionPeriod] = [:]
            if let categories = entry.byCategory {
                if kind != .withdrawnDocuments { problems.append("\(kind.rawValue): byCategory applies to withdrawn-documents only") }
                for (category, text) in categories.sorted(by: { $0.key < $1.key }) {
                    if let period = RetentionPeriod(text) { byCategory[category] = period } else {
                        problems.append("\(kind.rawValue): byCategory.\(category) '\(text)' is not an ISO-8601 duration")
                    }
                }
            }
            rules[kind] = Rule(kind: kind, keep: keep, byCategory: byCategory)
        }
        // Added after cantons wrote their files, and enforced by the broker, not by a service: the bundled period when absent.
        if rules[.partnerMessages] == nil && !file.rules.contains(where: { $0.kind == Kind.partnerMessages.rawValue }) {
            rules[.partnerMessages] = Rule(kind: .partnerMessages, keep: defaultPartnerMessages, byCategory: [:])
        }
        for kind in Kind.allCases where rules[kind] == nil && !file.rules.contains(where: { $0.kind == kind.rawValue }) {
            problems.append("\(kind.rawValue) has no rule")
        }
        if let audit = rules[.auditTrail], audit.keep.approximateSeconds < minimumAuditTrail.approximateSeconds {
            problems.append("audit-trail must be kept at least \(minimumAuditTrail.iso), not \(audit.keep.iso)")
        }
        // A dead letter replayed later must still find the inbox rows of the events applied
        // before it, or an event delivered twice could be applied twice.
        if let inbox = rules[.inboxEntries], let dead = rules[.deadLetters], inbox.keep.approximateSeconds < dead.keep.approximateSeconds {
            problems.append("inbox-entries (\(inbox.keep.iso)) must be kept at least as long as dead-letters (\(dead.keep.iso))")
        }
        guard problems.isEmpty else { throw RetentionRulesError(problems: problems) }
        return RetentionRules(version: file.version, rules: rules)
    }
}

public struct RetentionRulesError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "; ") }
}

import Foundation
import IASContracts
import IASRuntime

/// One measure of the catalogue (`measure-catalog.json`).
public struct CatalogMeasure: Codable, Sendable, Equatable {
    public var code: String
    public var nameDe: String
    public var nameEn: String
    /// The field of action (Handlungsfeld): language, education, work, social_integration, early_childhood.
    public var fieldOfAction: String
    public var targetGroups: [TargetGroup]
    public var fundingSource: FundingSource
    /// The partner that delivers it and receives the referral (partner:RAV, canton:BKS).
    public var partner: String?
    public var typicalDurationWeeks: Int
    public var indicativeCostRappen: Int
    public var description: String

    /// German courses are the only measures open to asylum seekers (language funding).
    public var isLanguageCourse: Bool { code.hasPrefix("GER_") }
}

/// A support chain (Förderkette) of one target group (`pathways.json`).
public struct Pathway: Codable, Sendable, Equatable {
    public var code: String
    public var targetGroup: TargetGroup
    public var nameDe: String
    public var nameEn: String
    public var description: String
    public var steps: [String]
}

/// The measure catalogue and the pathways, versioned data shipped with the service.
public struct Catalog: Sendable {
    public let measuresVersion: String
    public let pathwaysVersion: String
    public let measures: [CatalogMeasure]
    public let pathways: [Pathway]

    struct MeasuresFile: Codable { var version: String; var measures: [CatalogMeasure] }
    struct PathwaysFile: Codable { var version: String; var pathways: [Pathway] }

    public init(measuresJSON: Data, pathwaysJSON: Data) throws {
        let m = try JSONCoding.decode(MeasuresFile.self, from: measuresJSON)
        let p = try JSONCoding.decode(PathwaysFile.self, from: pathwaysJSON)
        measuresVersion = m.version; pathwaysVersion = p.version
        measures = m.measures; pathways = p.pathways
        let problems = Catalog.problems(measures: measures, pathways: pathways)
        guard problems.isEmpty else { throw CatalogError(problems: problems) }
    }

    /// The catalogue shipped as resources of the plan module.
    public static func bundled() throws -> Catalog {
        guard let m = Bundle.module.url(forResource: "measure-catalog", withExtension: "json"),
              let p = Bundle.module.url(forResource: "pathways", withExtension: "json") else {
            throw CatalogError(problems: ["measure-catalog.json or pathways.json is missing from the installation"])
        }
        return try Catalog(measuresJSON: try Data(contentsOf: m), pathwaysJSON: try Data(contentsOf: p))
    }

    /// A broken catalogue must stop the service at start, not surprise a case worker later.
    static func problems(measures: [CatalogMeasure], pathways: [Pathway]) -> [String] {
        var problems: [String] = []
        var codes = Set<String>()
        for m in measures {
            if !codes.insert(m.code).inserted { problems.append("measure \(m.code) appears twice") }
            if m.indicativeCostRappen < 0 { problems.append("measure \(m.code) has a negative cost") }
            if let partner = m.partner, Organisation(partner) == nil { problems.append("measure \(m.code) names an unknown partner \(partner)") }
        }
        var pathwayCodes = Set<String>()
        for p in pathways {
            if !pathwayCodes.insert(p.code).inserted { problems.append("pathway \(p.code) appears twice") }
            for step in p.steps where !codes.contains(step) { problems.append("pathway \(p.code) names an unknown measure \(step)") }
        }
        for group in TargetGroup.allCases where !pathways.contains(where: { $0.targetGroup == group }) {
            problems.append("no pathway for target group \(group.rawValue)")
        }
        return problems
    }

    public func measure(_ code: String) -> CatalogMeasure? { measures.first { $0.code == code } }

    /// The pathway named by the triage, or the first one of the target group when the name is
    /// unknown to this catalogue version (the group decides, the name only refines).
    public func pathway(code: String, targetGroup: TargetGroup) -> Pathway {
        if let exact = pathways.first(where: { $0.code == code && $0.targetGroup == targetGroup }) { return exact }
        return pathways.first { $0.targetGroup == targetGroup }!
    }
}

public struct CatalogError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "the measure catalogue is not usable: " + problems.joined(separator: "; ") }
}

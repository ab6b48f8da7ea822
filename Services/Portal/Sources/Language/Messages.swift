import Foundation
import IASRuntime

/// The portal's texts in its four languages, from `Messages/<language>.json`.
public typealias Messages = TextCatalogue

extension TextCatalogue {
    /// The catalogues shipped with the portal.
    public static func bundled() throws -> Messages {
        try load(from: .module, directory: "Messages", what: "the portal")
    }
}

public struct PortalSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Foundation

/// The text form of a sealed box where events carry one (sealed personal data, wrapped case
/// keys): its serialised bytes in base64.
extension SealedBox {
    public var base64: String { Data(serialized).base64EncodedString() }

    /// The serialised bytes of `text`; nil when it is not base64. Whether they make a box is
    /// for the reader to tell: a wrapped key has a length of its own (`WrappedKey`).
    public static func serialized(base64 text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { Array($0) }
    }
}

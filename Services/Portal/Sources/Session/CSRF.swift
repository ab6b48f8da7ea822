import IASHTTP

/// Forms can only be sent from the portal's own pages: every POST carries the session's token
/// in `_csrf` (compared in constant time), and a browser that says where the request comes
/// from (`Sec-Fetch-Site`, `Origin`) must say it comes from here. SameSite=Strict on the
/// session cookie is the third layer.
public enum CSRF {
    public static let fieldName = "_csrf"

    public static func check(submitted: String?, expected: String, headers: HTTPHeaders, ownOrigin: String?) -> Bool {
        if let site = headers["Sec-Fetch-Site"]?.lowercased(), site != "same-origin", site != "none" { return false }
        if let origin = headers["Origin"], origin != "null", let ownOrigin, origin != ownOrigin { return false }
        guard let submitted else { return false }
        return constantTimeEquals(Array(submitted.utf8), Array(expected.utf8))
    }

    /// Its own comparison, not the token signer's: deploy/checks (image-tools) keeps every signing
    /// primitive out of the sources of the image's executables.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

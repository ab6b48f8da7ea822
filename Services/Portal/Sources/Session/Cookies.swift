import Foundation
import IASHTTP

/// Reads the `Cookie` header and writes `Set-Cookie` values with the portal's attributes.
public enum Cookies {
    public static let session = "ias_session"
    public static let language = "ias_lang"
    /// Before sign-in there is no session to hold a CSRF token: the sign-in form's token is
    /// this cookie's value, sent back in the form (double submit).
    public static let signInCSRF = "ias_signin"

    public static func value(_ name: String, in headers: HTTPHeaders) -> String? {
        for header in headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name { return String(trimmed[trimmed.index(after: equals)...]) }
            }
        }
        return nil
    }

    /// HttpOnly, SameSite=Strict, Path=/; Secure unless the portal is told it is served over
    /// plain HTTP on this machine (the local stack). `maxAge` nil: ends with the browser.
    public static func setCookie(_ name: String, _ value: String, secure: Bool, maxAge: Int?) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Strict"]
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    public static func clear(_ name: String, secure: Bool) -> String { setCookie(name, "", secure: secure, maxAge: 0) }
}

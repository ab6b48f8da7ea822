import Foundation
import IASHTTP
import IASRuntime

/// What a page handler works with: the request, the signed-in user, the language, and the
/// services called as that user.
public struct PageContext: Sendable {
    public let request: HTTPRequest
    public let session: Session
    public let language: Language
    /// The submitted form of a POST (its CSRF token already checked); empty for a GET.
    public let form: FormInput
    let portal: Portal

    public func t(_ key: String, _ values: [String: String] = [:]) -> String { portal.messages.text(key, language, values) }

    /// The text of a code of the suite's vocabulary ("status.VA", "measure.DEU-A1"), or the
    /// code itself when the catalogue has none.
    public func code(_ group: String, _ value: String?) -> String {
        guard let value, !value.isEmpty else { return "" }
        return portal.messages.optionalText("\(group).\(value)", language) ?? value
    }

    public var caller: CallerView { CallerView(session: session) }

    /// A service's JSON answer to a read.
    public func get(_ service: Service, _ path: String, awaitEvent: String? = nil) throws -> JSONValue {
        try portal.backends.call(service, "GET", path, token: session.token, awaitEvent: awaitEvent, requestId: request.requestId).json ?? .null
    }

    /// A write with a JSON body; the answer carries the id of the event it produced.
    public func send(_ service: Service, _ method: String, _ path: String, _ body: JSONValue?,
                     headers: [(String, String)] = []) throws -> Backends.Answer {
        try portal.backends.call(service, method, path, token: session.token, json: body, headers: headers, requestId: request.requestId)
    }

    public func sendRaw(_ service: Service, _ method: String, _ path: String, bytes: [UInt8], headers: [(String, String)]) throws -> Backends.Answer {
        try portal.backends.call(service, method, path, token: session.token, rawBody: (bytes, headers), requestId: request.requestId)
    }

    public func raw(_ service: Service, _ path: String, headers: [(String, String)] = []) throws -> Backends.Answer {
        try portal.backends.call(service, "GET", path, token: session.token, headers: headers, requestId: request.requestId)
    }

    /// A whole page in the portal's layout.
    public func page(_ title: String, _ body: HTML, status: Int = 200, wide: Bool = false) -> HTTPResponse {
        Layout.page(title: title, body: body, context: self, status: status, wide: wide)
    }

    /// The hidden field every form of this session carries.
    public var csrfField: HTML { "<input type=\"hidden\" name=\"\(CSRF.fieldName)\" value=\"\(session.csrfToken)\">" }
}

/// Who is signed in, as the pages ask it.
public struct CallerView: Sendable {
    let session: Session
    public var organisation: String { session.organisation }
    public var isCanton: Bool { organisation.hasPrefix("canton:") }
    public var isApprover: Bool { session.principal.hasRole("approver") }
    public var isCaseworker: Bool { session.principal.hasRole("caseworker") }
}

/// A redirect after a form (303: the browser asks for the next page with GET).
public func redirect(_ location: String) -> HTTPResponse {
    HTTPResponse(status: 303, headers: HTTPHeaders([("Location", location)]))
}

/// `t("nav.queue")` or `t("case.closed", ["date": …])` in a page's code.
public struct Translator: Sendable {
    let messages: Messages
    let language: Language
    public init(messages: Messages, language: Language) {
        self.messages = messages
        self.language = language
    }
    public func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String { messages.text(key, language, values) }
}

extension PageContext {
    public var translator: Translator { Translator(messages: portal.messages, language: language) }
}

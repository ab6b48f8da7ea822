import IASHTTP
import IASRuntime

/// Pages for what went wrong: a service that refused the page (403 another office's case,
/// 404 no such case), a service out of reach or busy (503), a form that could not be read.
enum ErrorPages {
    static func backend(_ error: BackendError, context: PageContext) -> HTTPResponse {
        let t = context.translator
        switch error {
        case .refused(let problem):
            switch problem.status {
            case 401:
                return context.page(t("error.signin.title"), "<p>\(t("error.session.ended"))</p><p><a href=\"/sign-in\">\(t("signin.again"))</a></p>", status: 401)
            case 403:
                return context.page(t("error.forbidden.title"), "<p>\(t("error.forbidden.detail"))</p><p><a href=\"/queue\">\(t("nav.queue"))</a></p>", status: 403)
            case 404, 410:
                return context.page(t("error.notfound.title"), "<p>\(t("error.notfound.detail"))</p><p><a href=\"/cases\">\(t("nav.search"))</a></p>", status: problem.status)
            case 503:
                var response = context.page(t("error.busy.title"), "<p>\(t("error.busy.detail"))</p>", status: 503)
                response.headers.set("Retry-After", problem.retryAfter ?? "2")
                return response
            default:
                return context.page(t("error.refused.title"), "<p>\(ProblemText.detail(problem, context))</p>", status: problem.status)
            }
        case .unreachable(let service, _), .malformed(let service, _):
            context.portal.logger.error("a service could not be used", ["error": error.description])
            var response = context.page(t("error.unavailable.title"),
                                        "<p>\(t("error.unavailable.detail", ["service": context.code("service", service.rawValue)]))</p>", status: 503)
            response.headers.set("Retry-After", "5")
            return response
        }
    }

    /// A page without a session (the sign-in failed, the session ended, a form was foreign).
    static func plain(status: Int, title: String, detail: String, language: Language, messages: Messages) -> HTTPResponse {
        Layout.document(title: title, language: language, path: "/sign-in", header: .empty,
                        body: "<p>\(detail)</p><p><a href=\"/sign-in\">\(messages.text("signin.again", language))</a></p>",
                        skip: messages.text("nav.skip", language), languageLabel: messages.text("nav.language", language), status: status)
    }
}

/// A service's problem in the user's language: the portal knows the kinds of problem and the
/// common reasons of a field; a reason it has no translation for is shown as the service
/// wrote it, marked as English for screen readers.
enum ProblemText {
    static func title(_ problem: ServiceProblem, _ context: PageContext) -> String {
        context.portal.messages.optionalText("problem.status.\(problem.status)", context.language) ?? context.t("error.refused.title")
    }

    static func detail(_ problem: ServiceProblem, _ context: PageContext) -> HTML {
        message(problem.detail, context)
    }

    static func message(_ text: String, _ context: PageContext) -> HTML {
        if let known = context.portal.messages.optionalText("reason." + text, context.language) { return "\(known)" }
        if context.language == .en { return "\(text)" }
        return "<span lang=\"en\">\(text)</span>"
    }
}

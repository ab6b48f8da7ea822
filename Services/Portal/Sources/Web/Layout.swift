import IASHTTP
import IASRuntime

/// The frame of every page: a skip link, the header with the navigation and the language
/// menu, the page's content in `<main>`, a footer. No script; one stylesheet of our own.
enum Layout {
    static func page(title: String, body: HTML, context: PageContext, status: Int, wide: Bool) -> HTTPResponse {
        let t = context.translator
        let caller = context.caller
        var nav: [HTML] = [
            navLink("/queue", t("nav.queue"), current: context.request.path == "/queue"),
            navLink("/cases", t("nav.search"), current: context.request.path == "/cases"),
        ]
        if caller.isCaseworker {
            nav.append(navLink("/persons/new", t("nav.register"), current: context.request.path == "/persons/new"))
        }
        if caller.isCanton {
            nav.append(navLink("/reports/indicators", t("nav.indicators"), current: context.request.path == "/reports/indicators"))
        }
        let user: HTML = """
            <div class="user"><span class="who">\(context.session.displayName)</span>
            <span class="org">\(Organisations.label(context.session.organisation, context))</span>
            <form method="post" action="/sign-out" class="inline">\(context.csrfField)<button type="submit" class="link">\(t("nav.signout"))</button></form></div>
            """
        return document(title: title, language: context.language, path: context.request.path,
                        header: "<nav aria-label=\"\(t("nav.label"))\"><ul>\(nav)</ul></nav>\(user)",
                        body: body, skip: t("nav.skip"), languageLabel: t("nav.language"), status: status, wide: wide)
    }

    /// The bare frame, for the sign-in and error pages (no session, no navigation).
    static func document(title: String, language: Language, path: String, header: HTML, body: HTML, skip: String,
                         languageLabel: String, status: Int, wide: Bool = false) -> HTTPResponse {
        let languages: [HTML] = Language.allCases.map { option in
            option == language
                ? "<li><span aria-current=\"true\" lang=\"\(option.rawValue)\">\(option.rawValue.uppercased())</span></li>"
                : "<li><a href=\"\(path)?lang=\(option.rawValue)\" lang=\"\(option.rawValue)\" hreflang=\"\(option.rawValue)\" title=\"\(option.ownName)\">\(option.rawValue.uppercased())</a></li>"
        }
        let html: HTML = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) – IAS</title>
            <link rel="stylesheet" href="/static/portal.css">
            </head>
            <body>
            <a class="skip" href="#main">\(skip)</a>
            <header class="top">
            <div class="brand"><a href="/queue">IAS</a></div>
            \(header)
            <nav class="languages" aria-label="\(languageLabel)"><ul>\(languages)</ul></nav>
            </header>
            <main id="main" class="\(wide ? "wide" : "")" tabindex="-1">
            <h1>\(title)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
        return HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "text/html; charset=utf-8")]), body: Array(html.text.utf8))
    }

    private static func navLink(_ href: String, _ label: String, current: Bool) -> HTML {
        current ? "<li><a href=\"\(href)\" aria-current=\"page\">\(label)</a></li>" : "<li><a href=\"\(href)\">\(label)</a></li>"
    }
}

/// Organisations as people know them: "Canton · KSD", "Municipality 4001".
enum Organisations {
    static func label(_ org: String, _ context: PageContext) -> String {
        label(org) { context.t($0, $1) }
    }

    /// `org` read by `Organisation`, its words from `text` (a catalogue key and its values).
    static func label(_ org: String, text: (String, [String: String]) -> String) -> String {
        switch Organisation(org) {
        case .canton(let office)?: return text("org.canton", ["office": office])
        case .municipality(let bfs)?: return text("org.municipality", ["bfs": String(bfs)])
        case .delegate(let name, let bfs)?: return text("org.delegate", ["name": name, "bfs": String(bfs)])
        case .partner(let name)?: return text("org.partner", ["name": name])
        // The services' own jobs act as "system"; anything else is shown as it was stored.
        case nil: return org == "system" ? text("org.system", [:]) : org
        }
    }
}

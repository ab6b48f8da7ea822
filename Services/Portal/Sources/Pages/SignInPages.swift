import IASHTTP

/// Sign-in and sign-out. Behind the identity provider's proxy every request carries the
/// user's token, so the sign-in page only ever shows when the proxy did not send one. On the
/// local stack (IAS_PORTAL_DEV_USERS_FILE) it lists the demo users.
enum SignInPages {
    static func register(on portal: Portal) {
        portal.router.get("/sign-in", name: "portal /sign-in") { [unowned portal] request in
            let language = portal.language(of: request)
            var cookies = portal.languageCookie(request)
            let next = safeNext(request.query["next"])
            let resolved = portal.session(for: request)
            if let session = resolved.session {
                if let cookie = resolved.cookie { cookies.append(cookie) }
                _ = session
                return portal.secured(redirect(next), cookies: cookies)
            }
            let m = portal.messages
            let t = { (key: String) in m.text(key, language) }
            let body: HTML
            if let users = portal.developmentUsers {
                // Double submit: the form's token must equal this cookie's.
                let token = Cookies.value(Cookies.signInCSRF, in: request.headers).flatMap { $0.count == 43 ? $0 : nil } ?? SessionStore.randomToken()
                cookies.append(Cookies.setCookie(Cookies.signInCSRF, token, secure: portal.settings.secureCookies, maxAge: 3600))
                let items: [HTML] = users.users.map { user in
                    """
                    <li><form method="post" action="/sign-in">
                    <input type="hidden" name="\(CSRF.fieldName)" value="\(token)">
                    <input type="hidden" name="next" value="\(next)">
                    <button type="submit" name="user" value="\(user.id)" id="signin-\(user.id)">\(user.label)</button>
                    </form></li>
                    """
                }
                body = """
                    <p class="warning">\(t("signin.development"))</p>
                    <ul class="signin-users">\(items)</ul>
                    """
            } else {
                body = "<p>\(t("signin.proxy"))</p><p><a href=\"/queue\">\(t("signin.again"))</a></p>"
            }
            let page = Layout.document(title: t("signin.title"), language: language, path: "/sign-in", header: .empty, body: body,
                                       skip: t("nav.skip"), languageLabel: t("nav.language"), status: resolved.refusal == nil ? 200 : 401)
            return portal.secured(page, cookies: cookies)
        }

        portal.router.post("/sign-in", name: "portal /sign-in") { [unowned portal] request in
            let language = portal.language(of: request)
            let m = portal.messages
            guard let users = portal.developmentUsers else {
                return portal.secured(redirect("/sign-in"))
            }
            let form = (try? FormInput.read(request)) ?? .none
            guard let expected = Cookies.value(Cookies.signInCSRF, in: request.headers),
                  CSRF.check(submitted: form[CSRF.fieldName], expected: expected, headers: request.headers, ownOrigin: portal.settings.publicOrigin) else {
                return portal.secured(ErrorPages.plain(status: 403, title: m.text("error.csrf.title", language),
                                                       detail: m.text("error.csrf.detail", language), language: language, messages: m))
            }
            guard let id = form["user"], let user = users.user(id) else {
                return portal.secured(ErrorPages.plain(status: 400, title: m.text("signin.title", language),
                                                       detail: m.text("signin.unknown", language), language: language, messages: m))
            }
            switch portal.verifier.verify(authorizationHeader: "Bearer " + user.token) {
            case .failure(let error):
                return portal.secured(ErrorPages.plain(status: 401, title: m.text("error.signin.title", language),
                                                       detail: m.text("error.signin.token", language, ["reason": error.description]),
                                                       language: language, messages: m))
            case .success(let principal):
                if let old = Cookies.value(Cookies.session, in: request.headers) { portal.sessions.end(old) }
                let session = portal.sessions.start(token: user.token, principal: principal, origin: .development,
                                                    label: user.label.components(separatedBy: "(").last.map { $0.replacingOccurrences(of: ")", with: "") } ?? user.label)
                portal.logger.info("signed in (development)", ["user": user.id, "org": principal.organisation])
                return portal.secured(redirect(safeNext(form["next"])),
                                      cookies: [portal.sessionCookie(session), Cookies.clear(Cookies.signInCSRF, secure: portal.settings.secureCookies)])
            }
        }

        portal.page("POST", "/sign-out") { context in
            context.portal.sessions.end(context.session.id)
            var response = redirect(context.session.origin == .proxy ? context.portal.settings.signOutURL : "/sign-in")
            response.headers.add("Set-Cookie", Cookies.clear(Cookies.session, secure: context.portal.settings.secureCookies))
            return response
        }
    }

    /// Only a path of this portal: never another site ("//evil.example", "https://…").
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 300,
              !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/queue" }
        return next
    }
}

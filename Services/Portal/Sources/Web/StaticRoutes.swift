import IASCrypto
import IASHTTP
import IASRuntime

/// The stylesheet and the operational routes: unauthenticated, free of personal data.
enum StaticRoutes {
    static func register(on router: Router, metrics: MetricsRegistry) {
        let css = Array((Stylesheet.css + "\n" + Stylesheet.utilities).utf8)
        let tag = EntityTag(String(SHA256Hasher.hexDigest(css).prefix(16)))
        router.get("/static/portal.css") { request in
            var headers = HTTPHeaders([("ETag", tag.headerValue), ("Cache-Control", "public, max-age=3600"), ("X-Content-Type-Options", "nosniff")])
            if let sent = request.header("If-None-Match"), EntityTag.noneMatchNames(sent, current: tag) { return HTTPResponse(status: 304, headers: headers) }
            headers.add("Content-Type", "text/css; charset=utf-8")
            return HTTPResponse(status: 200, headers: headers, body: css)
        }
        let alive = HTTPResponse.json(["status": "ok", "service": "portal"])
        router.get("/healthz") { _ in alive }
        router.get("/readyz") { _ in alive }
        router.get("/metrics") { _ in .text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8") }
        router.get("/") { _ in redirect("/queue") }
    }
}

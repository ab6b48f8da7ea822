import Foundation
import IASHTTP
import IASRuntime
import TestSupport

/// The portal phase: the case workers' pages with `BENCH_PORTAL_CASES` cases stored.
///
/// 1. `portal-storing`: the suite is filled up to that many cases (counted in coordination's
///    dossier store) by allocation lists to intake, several at a time: intake registers each
///    row and publishes PersonRegistered, and every consuming service stores the case through
///    its own projection. Timed until coordination holds them all and until every service has
///    applied everything (no consumer lag, outboxes empty).
/// 2. `portal`: `BENCH_PORTAL_BROWSERS` browsers, each signed in with a session of its own, load
///    the work queue (`GET /queue`) and case pages (`GET /cases/{id}`) in turn, as fast as
///    the answers come, for `BENCH_PORTAL_SECONDS`. The case pages are those of cases that went
///    through the whole journey earlier in the run (person, assessment, plan with measures,
///    budget and approval, consents, referrals, a timeline of some 45 events). Before that, one
///    browser alone for a third as long (`portal-one-browser`): a page's latency when nothing
///    queues. The queue is a full page: `BENCH_PORTAL_QUEUE_TASKS` (250) of the stored cases are
///    handed over to a municipality first, each opening a handover task, and the canton's
///    queue lists every open task (up to 200 on a page).
/// 3. `portal-submit`: `BENCH_PORTAL_SUBMITS` review forms, shared out between the browsers,
///    each as a case worker sends it: the case page, the form page (its CSRF token and
///    Idempotency-Key), the POST, the 303 to the case page. Submit → visible counts from the
///    POST until a case page shows the new review in section `reviews`: when the redirect
///    names the form's event (`?event=`, which the case page passes on as IAS-Await-Event) the
///    first page usually does; otherwise the case page is asked again, after 20 ms, then
///    every 1.5 times longer up to 200 ms.
extension Bench {
    struct PortalResult {
        var skipped: String?
        // Storing
        var target = 0, storedBefore = 0, added = 0, refused = 0, storedAfter = 0
        var importSeconds = 0.0, storedSeconds: Double?, settledSeconds = 0.0
        var listSize = 0, listWorkers = 0
        /// Handovers made for the work queue, the open tasks coordination then held, and the transfers refused.
        var handovers = 0, openTasks = 0, handoversRefused = 0
        /// The pages with `BENCH_PORTAL_BROWSERS` browsers at once, and before that with one
        /// alone (`single`, a third as long): the latency of a page when nothing queues.
        var load = PageLoad(), single: PageLoad?
        // Submit → visible
        var submits = 0, submitsFailed = 0, withEvent = 0, pollsMean = 0.0
        var visible = LatencySummary([]), post = LatencySummary([]), firstPage = LatencySummary([])
        var submitFailures: [String: Int] = [:]

        /// Rows intake refused, pages that did not answer as they should, forms that failed.
        var broken: Int { refused + handoversRefused + load.failed + (single?.failed ?? 0) + submitsFailed }
    }

    /// Pages loaded by some browsers at once, each as fast as the answers come.
    struct PageLoad {
        var browsers = 0, seconds = 0.0, failed = 0
        var queue = LatencySummary([]), casePage = LatencySummary([]), pages = LatencySummary([])
        var queueBytes = 0.0, caseBytes = 0.0
        var failures: [String: Int] = [:]
        var cpuPercent: [String: Double] = [:]

        var requestsPerSecond: Double { seconds > 0 ? Double(pages.count) / seconds : 0 }
    }

    func portal(cases: [String]) -> PortalResult {
        var result = PortalResult()
        guard options.portalPort > 0 else {
            result.skipped = "BENCH_PORTAL_PORT is not set (deploy/local/bench.sh starts the portal and sets it)"
            say("portal: skipped: \(result.skipped!)")
            return result
        }
        guard !cases.isEmpty else {
            result.skipped = "no case went through its whole life earlier in the run: no full case page to load"
            say("portal: skipped: \(result.skipped!)")
            return result
        }
        let registered = storeCases(&result)
        openQueueTasks(registered, into: &result)
        let browsers: [PortalBrowser]
        do {
            browsers = try (0..<options.portalBrowsers).map { _ in
                let browser = PortalBrowser(port: options.portalPort)
                try browser.signIn(user: options.portalUser)
                return browser
            }
        } catch {
            say("portal: cannot sign in: \(error)")
            result.skipped = "sign-in failed: \(error)"
            result.load.failed += 1
            return result
        }
        defer { browsers.forEach { $0.close() } }
        if browsers.count > 1 {
            result.single = loadPages(Array(browsers.prefix(1)), cases: cases, phase: "portal-one-browser", seconds: max(5, options.portalSeconds / 3))
            settle()
        }
        result.load = loadPages(browsers, cases: cases, phase: "portal", seconds: options.portalSeconds)
        settle()
        submitReviews(browsers, cases: cases, into: &result)
        return result
    }

    // MARK: Storing

    /// Returns the first `BENCH_PORTAL_QUEUE_TASKS` cases registered (person and case ids).
    private func storeCases(_ result: inout PortalResult) -> [(personId: String, caseId: String)] {
        begin("portal-storing")
        defer { end() }
        result.target = options.portalCases
        result.storedBefore = storedCaseCount()
        result.listSize = options.portalListSize
        result.listWorkers = options.portalListWorkers
        let toAdd = max(0, options.portalCases - result.storedBefore)
        say("portal: \(result.storedBefore) cases stored; storing \(toAdd) more by allocation lists of \(options.portalListSize), \(options.portalListWorkers) at a time")
        let start = clock.now
        let remaining = Locked(toAdd)
        let lists = NSLock()
        let totals = Locked((registered: 0, refused: 0))
        let kept = Locked([(personId: String, caseId: String)]())
        let keep = options.portalQueueTasks
        let today = PersonFactory.isoDate(Date())
        ThreadPool.run(options.portalListWorkers, name: "bench-portal") { [self] _ in
            let client = api(readTimeout: 120)
            while true {
                lists.lock()
                let n = remaining.withLock { (left: inout Int) -> Int in let n = min(options.portalListSize, left); left -= n; return n }
                let list = n > 0 ? nextList(rows: n, today: today) : nil
                lists.unlock()
                guard let list else { return }
                let outcome = sendList(list, client: client)
                totals.withLock { $0.registered += outcome.registered.count; $0.refused += outcome.refused }
                kept.withLock { if $0.count < keep { $0 += outcome.registered.prefix(keep - $0.count) } }
            }
        }
        result.importSeconds = clock.now - start
        (result.added, result.refused) = totals.current
        say(String(format: "portal: intake registered %d (%d refused) in %.1f s: %.0f rows/s; waiting for the services to store them",
                   result.added, result.refused, result.importSeconds, Double(result.added) / max(0.001, result.importSeconds)))
        // Coordination's dossier (the case page's source) is the last to learn of a case.
        let expected = result.storedBefore + result.added
        let deadline = clock.now + max(300, Double(toAdd) / 20)
        var stored = storedCaseCount()
        while stored < expected && clock.now < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            stored = storedCaseCount()
        }
        if stored >= expected { result.storedSeconds = clock.now - start }
        settle(within: max(120, Double(toAdd) / 20))
        result.settledSeconds = clock.now - start
        result.storedAfter = storedCaseCount()
        let lag = sampler.series.last.map { $0.consumerLag.values.reduce(0, +) } ?? -1
        say(String(format: "portal: %d cases in coordination's dossier store (%d expected); all there after %@ s, every service settled after %.1f s (consumer lag %.0f)",
                   result.storedAfter, expected, result.storedSeconds.map { String(format: "%.1f", $0) } ?? "n/a", result.settledSeconds, lag))
        if result.storedAfter < expected { result.refused += expected - result.storedAfter }
        return kept.current
    }

    /// Hands `BENCH_PORTAL_QUEUE_TASKS` registered cases over to municipality 4001 (intake's
    /// POST /persons/{id}/responsibility): coordination opens a handover task for each, and the
    /// canton's queue, which lists every open task, shows a full page (200 rows).
    private func openQueueTasks(_ stored: [(personId: String, caseId: String)], into result: inout PortalResult) {
        var cases = stored
        let client = api()
        if cases.count < options.portalQueueTasks {
            // The suite was full already: register the few this needs.
            let outcome = sendList(nextList(rows: options.portalQueueTasks - cases.count, today: client.today), client: client)
            cases += outcome.registered
            result.handoversRefused += outcome.refused
        }
        guard !cases.isEmpty else { return }
        let before = countInCoordination("SELECT count(*) AS n FROM tasks WHERE status = 'open'")
        let handed = cases
        let refused = Locked(0)
        let workers = min(options.portalListWorkers * 2, cases.count)
        ThreadPool.run(workers, name: "bench-portal") { [self] w in
            let client = api()
            for i in stride(from: w, to: handed.count, by: workers) {
                var done = false
                for _ in 0..<20 where !done {
                    if case .done? = try? client.transfer(handed[i].personId, to: "municipality:4001", reason: "assignment") { done = true } else {
                        Thread.sleep(forTimeInterval: 0.2)
                    }
                }
                if !done { refused.withLock { $0 += 1 } }
            }
        }
        result.handovers = cases.count - refused.current
        result.handoversRefused += refused.current
        let deadline = clock.now + 120
        var open = countInCoordination("SELECT count(*) AS n FROM tasks WHERE status = 'open'")
        while open < before + result.handovers && clock.now < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            open = countInCoordination("SELECT count(*) AS n FROM tasks WHERE status = 'open'")
        }
        settle()
        result.openTasks = countInCoordination("SELECT count(*) AS n FROM tasks WHERE status = 'open'")
        say("portal: \(result.handovers) cases handed over to municipality 4001 (\(refused.current) refused): \(result.openTasks) open tasks for the queue")
    }

    // MARK: Pages

    private func loadPages(_ browsers: [PortalBrowser], cases: [String], phase: String, seconds: Double) -> PageLoad {
        var result = PageLoad()
        // Each browser's connection and session warmed by a page of each kind, not measured.
        for browser in browsers {
            _ = try? browser.get("/queue")
            _ = try? browser.get("/cases/\(cases[0])")
        }
        begin(phase)
        let queueTimes = Locked([Double]()), caseTimes = Locked([Double]())
        let bytes = Locked((queue: 0, cases: 0))
        let failures = Locked([String: Int]())
        let start = clock.now
        let deadline = start + seconds
        ThreadPool.run(browsers.count, name: "bench-portal") { [self] b in
            let browser = browsers[b]
            var i = b
            while clock.now < deadline {
                let isQueue = i % 2 == 0
                i += 1
                let path = isQueue ? "/queue" : "/cases/\(cases[Int.random(in: 0..<cases.count)])"
                let route = isQueue ? "portal GET /queue" : "portal GET /cases/{id}"
                let began = MonotonicClock.now()
                do {
                    let page = try browser.get(path)
                    let ms = (MonotonicClock.now() - began) * 1000
                    recorder.record(route, finishedAt: clock.now, milliseconds: ms, status: page.status)
                    let marker = isQueue ? "<main" : "<section id=\"reviews\""
                    guard page.status == 200, page.text.contains(marker) else {
                        failures.withLock { $0["\(route) answered \(page.status)", default: 0] += 1 }
                        continue
                    }
                    if isQueue {
                        queueTimes.withLock { $0.append(ms) }; bytes.withLock { $0.queue += page.body.count }
                    } else {
                        caseTimes.withLock { $0.append(ms) }; bytes.withLock { $0.cases += page.body.count }
                    }
                } catch {
                    failures.withLock { $0["\(route): \(error)", default: 0] += 1 }
                }
            }
        }
        result.seconds = clock.now - start
        end()
        result.browsers = browsers.count
        result.queue = LatencySummary(queueTimes.current)
        result.casePage = LatencySummary(caseTimes.current)
        result.pages = LatencySummary(queueTimes.current + caseTimes.current)
        result.queueBytes = Double(bytes.current.queue) / Double(max(1, result.queue.count))
        result.caseBytes = Double(bytes.current.cases) / Double(max(1, result.casePage.count))
        result.failures = failures.current
        result.failed = failures.current.values.reduce(0, +)
        let window = phaseWindow(phase)
        for name in Set(sampler.series.flatMap { $0.processes.keys }) {
            let values = sampler.series.filter { window.contains($0.t) }.compactMap { $0.processes[name]?.cpuPercent }
            if !values.isEmpty { result.cpuPercent[name] = values.reduce(0, +) / Double(values.count) }
        }
        if !result.failures.isEmpty { say("\(phase): failures \(result.failures)") }
        say(String(format: "%@: %d browsers, %.0f pages/s; queue p50 %.1f p90 %.1f p99 %.1f max %.1f ms (%d, %.0f kB); case page p50 %.1f p90 %.1f p99 %.1f max %.1f ms (%d, %.0f kB)",
                   phase, result.browsers, result.requestsPerSecond,
                   result.queue.p50, result.queue.p90, result.queue.p99, result.queue.max, result.queue.count, result.queueBytes / 1000,
                   result.casePage.p50, result.casePage.p90, result.casePage.p99, result.casePage.max, result.casePage.count, result.caseBytes / 1000))
        return result
    }

    // MARK: Submit → visible

    private func submitReviews(_ browsers: [PortalBrowser], cases: [String], into result: inout PortalResult) {
        guard options.portalSubmits > 0 else { return }
        begin("portal-submit")
        defer { end() }
        let visible = Locked([Double]()), posts = Locked([Double]()), firstPages = Locked([Double]())
        let failures = Locked([String: Int]())
        let counts = Locked((withEvent: 0, polls: 0))
        let n = browsers.count
        ThreadPool.run(n, name: "bench-portal") { [self] b in
            let browser = browsers[b]
            // Browser b takes submissions b, b + n, b + 2n …, each on its own case while there are enough.
            for j in stride(from: b, to: options.portalSubmits, by: n) {
                let caseId = cases[j % cases.count]
                do {
                    let outcome = try submitReview(browser, caseId: caseId, note: "bench review \(j)")
                    visible.withLock { $0.append(outcome.visibleMs) }
                    posts.withLock { $0.append(outcome.postMs) }
                    firstPages.withLock { $0.append(outcome.firstPageMs) }
                    counts.withLock { $0.polls += outcome.pages; if outcome.withEvent { $0.withEvent += 1 } }
                } catch {
                    failures.withLock { $0[String(describing: error).prefix(200).description, default: 0] += 1 }
                }
            }
        }
        result.submits = options.portalSubmits
        result.visible = LatencySummary(visible.current)
        result.post = LatencySummary(posts.current)
        result.firstPage = LatencySummary(firstPages.current)
        result.withEvent = counts.current.withEvent
        result.pollsMean = Double(counts.current.polls) / Double(max(1, result.visible.count))
        result.submitFailures = failures.current
        result.submitsFailed = failures.current.values.reduce(0, +)
        if !result.submitFailures.isEmpty { say("portal-submit: failures \(result.submitFailures)") }
        say(String(format: "portal-submit: %d of %d reviews visible; submit → visible p50 %.1f p90 %.1f p99 %.1f max %.1f ms (POST p50 %.1f ms; %d redirects named their event; %.1f case pages per submit)",
                   result.visible.count, result.submits, result.visible.p50, result.visible.p90, result.visible.p99, result.visible.max,
                   result.post.p50, result.withEvent, result.pollsMean))
    }

    private struct SubmitOutcome {
        let visibleMs: Double
        let postMs: Double
        let firstPageMs: Double
        let pages: Int
        let withEvent: Bool
    }

    private func submitReview(_ browser: PortalBrowser, caseId: String, note: String) throws -> SubmitOutcome {
        let casePage = try browser.get("/cases/\(caseId)")
        guard casePage.status == 200, let before = PortalBrowser.rows(inSection: "reviews", of: casePage.text) else {
            throw TestFailure("case page answered \(casePage.status) without a reviews section")
        }
        let formPage = try browser.get("/cases/\(caseId)/review")
        guard formPage.status == 200, let form = PortalBrowser.section(formOf: "review", in: formPage.text) else {
            throw TestFailure("review form answered \(formPage.status) without the form")
        }
        var fields = PortalBrowser.inputs(in: String(form))
        guard fields.contains(where: { $0.0 == "_csrf" }), fields.contains(where: { $0.0 == "_idem" }) else {
            throw TestFailure("the review form has no _csrf or _idem")
        }
        fields.append(("outcome", "on_track"))
        fields.append(("notes", note))
        let began = MonotonicClock.now()
        let answer = try browser.post("/cases/\(caseId)/review", form: fields)
        let postMs = (MonotonicClock.now() - began) * 1000
        recorder.record("portal POST /cases/{id}/review", finishedAt: clock.now, milliseconds: postMs, status: answer.status)
        guard answer.status == 303, var location = answer.header("Location") else {
            throw TestFailure("POST review answered \(answer.status): \(answer.text.prefix(200))")
        }
        if let hash = location.firstIndex(of: "#") { location = String(location[..<hash]) }
        let withEvent = location.contains("event=")
        var pages = 0, delay = 0.02, firstPageMs = 0.0
        while true {
            let asked = MonotonicClock.now()
            let page = try browser.get(location)
            pages += 1
            let now = MonotonicClock.now()
            if pages == 1 { firstPageMs = (now - asked) * 1000 }
            recorder.record("portal GET /cases/{id} (after a form)", finishedAt: clock.now, milliseconds: (now - asked) * 1000, status: page.status)
            if page.status == 200, let rows = PortalBrowser.rows(inSection: "reviews", of: page.text), rows > before {
                return SubmitOutcome(visibleMs: (now - began) * 1000, postMs: postMs, firstPageMs: firstPageMs, pages: pages, withEvent: withEvent)
            }
            guard now - began < 60 else { throw TestFailure("the review did not show on the case page within 60 s") }
            Thread.sleep(forTimeInterval: delay)
            delay = min(0.2, delay * 1.5)
        }
    }
}

extension PortalBrowser {
    /// The markup of the form `form-<id>` of an action page.
    static func section(formOf id: String, in html: String) -> Substring? {
        guard let start = html.range(of: "id=\"form-\(id)\""), let end = html[start.upperBound...].range(of: "</form>") else { return nil }
        return html[start.lowerBound..<end.upperBound]
    }
}

extension Bench.PortalResult {
    /// The `portal` member of bench-results/latest.json.
    func json() throws -> JSONValue {
        if let skipped, load.pages.count == 0 { return .object(["skipped": .string(skipped)]) }
        let n = BenchReport.number
        let v = BenchReport.value
        return .object([
            "cases_stored": try v(storedAfter),
            "storing": .object([
                "how": .string("allocation lists to intake (POST /allocation-lists, \(listSize) rows each, \(listWorkers) at a time); intake registers each row and publishes PersonRegistered, every consuming service stores the case through its own projection"),
                "target_cases": try v(target), "stored_before": try v(storedBefore), "registered": try v(added), "refused": try v(refused),
                "import_seconds": n(importSeconds), "import_rows_per_s": n(importSeconds > 0 ? Double(added) / importSeconds : nil),
                "until_in_coordination_seconds": n(storedSeconds), "until_settled_seconds": n(settledSeconds),
                "stored_per_s": n(storedSeconds.map { Double(added) / max(0.001, $0) }),
            ]),
            "queue_open_tasks": try v(openTasks), "queue_handovers": try v(handovers), "queue_handovers_refused": try v(handoversRefused),
            "pages": try load.json(),
            "pages_one_browser": try single.map { try $0.json() } ?? .null,
            "submit_to_visible": .object([
                "form": .string("review (POST /cases/{id}/review, CSRF token and Idempotency-Key from the form page)"),
                "submits": try v(submits), "visible": try v(visible.count), "failed": try v(submitsFailed), "failures": try v(submitFailures),
                "redirects_naming_event": try v(withEvent), "case_pages_per_submit_mean": n(pollsMean),
                "latency": BenchReport.summary(visible), "post": BenchReport.summary(post),
                "first_page_after_redirect": BenchReport.summary(firstPage),
                "polling": .string("case page again after 20 ms, then 1.5 times longer each time up to 200 ms"),
            ]),
        ])
    }

    /// The rows of the terminal table.
    func targets() -> [BenchReport.Target] {
        if skipped != nil && load.pages.count == 0 {
            return [BenchReport.Target(name: "portal pages", target: "≤ 100 ms", measured: nil, unit: "ms", met: nil)]
        }
        func row(_ name: String, _ goal: String, _ value: Double?, _ unit: String, _ ok: (Double) -> Bool) -> BenchReport.Target {
            BenchReport.Target(name: name, target: goal, measured: value, unit: unit, met: value.map(ok))
        }
        return [
            row("portal: stored \(added) more cases (\(storedAfter))", "-", storedSeconds, "s") { _ in true },
            row(String(format: "  intake's import, %d lists at a time", listWorkers), "-", importSeconds > 0 ? Double(added) / importSeconds : nil, "rows/s") { _ in true },
            row(String(format: "portal /queue p99 (p50 %.1f, p90 %.1f)", load.queue.p50, load.queue.p90), "≤ 100 ms", load.queue.p99, "ms") { $0 <= 100 },
            row(String(format: "portal case page p99 (p50 %.1f, p90 %.1f)", load.casePage.p50, load.casePage.p90), "≤ 100 ms", load.casePage.p99, "ms") { $0 <= 100 },
            row("  pages, \(load.browsers) browsers at once", "-", load.requestsPerSecond, "/s") { _ in true },
        ] + (single.map { one in [
            row(String(format: "  /queue p99, one browser (p50 %.1f)", one.queue.p50), "-", one.queue.p99, "ms") { _ in true },
            row(String(format: "  case page p99, one browser (p50 %.1f)", one.casePage.p50), "-", one.casePage.p99, "ms") { _ in true },
        ] } ?? []) + [
            row(String(format: "portal submit → visible p99 (p50 %.0f)", visible.p50), "-", visible.count > 0 ? visible.p99 : nil, "ms") { _ in true },
        ]
    }
}

extension Bench.PageLoad {
    func json() throws -> JSONValue {
        let n = BenchReport.number
        let v = BenchReport.value
        return .object([
            "browsers": try v(browsers), "seconds": n(seconds), "requests": try v(pages.count), "failed": try v(failed),
            "requests_per_s": n(requestsPerSecond), "failures": try v(failures),
            "queue": BenchReport.summary(queue), "case_page": BenchReport.summary(casePage), "all": BenchReport.summary(pages),
            "queue_bytes_mean": try v(Int(queueBytes)), "case_page_bytes_mean": try v(Int(caseBytes)),
            "cpu_percent": .object(cpuPercent.mapValues { n($0) }),
            "target_p99_ms": .number(100),
        ])
    }
}

import Foundation
import Glibc
import IASCrypto
import IASHTTPClient
import IASRuntime
import TestSupport

/// The documents phase, after the reads and before the drains: coordination's document
/// upload and download with the suite otherwise idle.
///
/// 1. For 1 MB and for 10 MB PDFs (`BENCH_DOCUMENTS_1MB`, `BENCH_DOCUMENTS_10MB`): every upload
///    by `BENCH_DOCUMENT_WORKERS` (4, coordination's default upload slots) at a time, each worker
///    on its own kept-alive connection and its own case (an upload locks its case's row); then
///    each document downloaded once the same way, its SHA-256 compared with the upload's.
///    MB/s is payload bytes (10^6 to the MB) over the batch's wall time.
/// 2. `BENCH_DOCUMENT_CONCURRENT` (8) uploads of 10 MB at once, each on its own case: twice the
///    slots, so half of them wait for a slot. Coordination's peak resident memory during exactly
///    this step: its kernel high-water mark is reset first (`clear_refs`), VmHWM read after.
extension Bench {
    struct DocumentDirection {
        var requests = 0, ok = 0, failed = 0
        /// Answers 503 (no upload slot in time), each followed by a retry after `Retry-After`.
        var answered503 = 0
        var bytes = 0
        var seconds = 0.0
        var latency = LatencySummary([])
        var failures: [String: Int] = [:]
        var megabytesPerSecond: Double? { DocumentFigures.megabytesPerSecond(bytes: bytes, seconds: seconds) }
    }

    struct DocumentBatch {
        let label: String
        let sizeBytes: Int
        var uploads = DocumentDirection()
        var downloads = DocumentDirection()
    }

    struct DocumentPeak {
        let uploads: Int
        let sizeBytes: Int
        var created = 0, answered503 = 0, failed = 0
        var seconds = 0.0
        /// From the first try of an upload to its 201, waits for a slot and retries included.
        var latency = LatencySummary([])
        var failures: [String: Int] = [:]
        /// Coordination's resident memory before the step, and its peak during it.
        var baselineMB: Double?
        var peakMB: Double?
        /// "VmHWM after clear_refs", or the sampler's highest 1-second sample when the reset failed.
        var peakMethod = "none"
        /// The sampler's highest sample in the step, beside the kernel's figure.
        var samplerPeakMB: Double?
    }

    struct DocumentsResult {
        var cases = 0
        var batches: [DocumentBatch] = []
        var peak: DocumentPeak?
        /// Why the phase could not run, when it could not.
        var problem: String?
        var failed: Int {
            batches.reduce(0) { $0 + $1.uploads.failed + $1.downloads.failed } + (peak?.failed ?? 0) + (problem == nil ? 0 : 1)
        }
    }

    /// A document of a batch: distinct bytes (an index stamped into a shared random body) and
    /// the SHA-256 coordination must report and give back.
    struct BenchDocument: Sendable {
        let bytes: [UInt8]
        let sha256: String
    }

    private struct Stored: Sendable {
        let caseId: String
        let documentId: String
        let sha256: String
    }

    func documents(cases known: [String]) -> DocumentsResult {
        var result = DocumentsResult()
        let needed = max(options.documentWorkers, options.documentConcurrentUploads)
        guard needed > 0, options.documentUploadsSmall + options.documentUploadsLarge + options.documentConcurrentUploads > 0 else {
            say("documents: skipped (no uploads asked for)")
            return result
        }
        begin("documents")
        defer { end() }
        let cases = documentCases(known, needed: needed)
        result.cases = cases.count
        guard cases.count >= needed else {
            result.problem = "only \(cases.count) of \(needed) cases known to coordination"
            say("documents: \(result.problem!); skipped")
            return result
        }
        for (label, size, count) in [("1 MB", 1_000_000, options.documentUploadsSmall), ("10 MB", 10_000_000, options.documentUploadsLarge)] where count > 0 {
            let batch = documentBatch(label: label, size: size, count: count, cases: cases)
            result.batches.append(batch)
            for (direction, d) in [("uploads", batch.uploads), ("downloads", batch.downloads)] {
                say(String(format: "documents %@ %@: %d of %d in %.1f s: %.1f MB/s, p50 %.0f ms, p99 %.0f ms%@", label, direction, d.ok, d.requests,
                           d.seconds, d.megabytesPerSecond ?? 0, d.latency.p50, d.latency.p99,
                           d.failures.isEmpty ? "" : "; failures \(d.failures)"))
            }
        }
        if options.documentConcurrentUploads > 0 {
            let peak = documentPeak(count: options.documentConcurrentUploads, size: 10_000_000, cases: cases)
            result.peak = peak
            say(String(format: "documents: %d × 10 MB at once: %d created, %d answered 503 (retried), %d failed in %.1f s; coordination %.0f MB before, peak %@ MB (%@; sampler %@ MB)",
                       peak.uploads, peak.created, peak.answered503, peak.failed, peak.seconds, peak.baselineMB ?? 0,
                       peak.peakMB.map { String(format: "%.1f", $0) } ?? "n/a", peak.peakMethod,
                       peak.samplerPeakMB.map { String(format: "%.1f", $0) } ?? "n/a"))
        }
        return result
    }

    // MARK: Steps

    private func documentBatch(label: String, size: Int, count: Int, cases: [String]) -> DocumentBatch {
        var batch = DocumentBatch(label: label, sizeBytes: size)
        let documents = Self.makeDocuments(count: count, size: size)
        let workers = options.documentWorkers
        let apis = (0..<workers).map { _ in api(readTimeout: 120) }
        let stored = Locked([Int: Stored]())
        let uploads = Locked(DocumentDirection())
        uploads.withLock { $0.requests = count }
        let uploadLatencies = Locked([Double]())
        let uploadSeconds = ThreadPool.run(workers, name: "bench-documents", items: count) { [self] worker, item in
            let caseId = cases[worker % cases.count]
            let outcome = upload(apis[worker], caseId: caseId, documents[item], index: item)
            uploads.withLock { d in
                d.answered503 += outcome.answered503
                if outcome.documentId != nil {
                    d.ok += 1; d.bytes += documents[item].bytes.count
                } else {
                    d.failed += 1; d.failures[outcome.failure ?? "?", default: 0] += 1
                }
            }
            if let ms = outcome.lastMilliseconds, outcome.documentId != nil { uploadLatencies.withLock { $0.append(ms) } }
            if let id = outcome.documentId { stored.withLock { $0[item] = Stored(caseId: caseId, documentId: id, sha256: documents[item].sha256) } }
        }
        batch.uploads = uploads.current
        batch.uploads.seconds = uploadSeconds
        batch.uploads.latency = LatencySummary(uploadLatencies.current)

        let toRead = stored.current.sorted { $0.key < $1.key }.map(\.value)
        let downloads = Locked(DocumentDirection())
        downloads.withLock { $0.requests = toRead.count }
        let downloadLatencies = Locked([Double]())
        let downloadSeconds = ThreadPool.run(workers, name: "bench-documents", items: toRead.count) { [clock] worker, item in
            let document = toRead[item]
            let path = "/cases/\(document.caseId)/documents/\(document.documentId)/content"
            let started = clock.now
            var failure: String?
            var bytes = 0
            do {
                let r = try apis[worker].raw("coordination", "GET", path, route: "GET /cases/{id}/documents/{id}/content", headers: [], body: nil)
                let ms = (clock.now - started) * 1000
                if r.status != 200 {
                    failure = "download answered \(r.status)"
                } else if SHA256Hasher.hexDigest(r.body) != document.sha256 {
                    failure = "downloaded bytes differ from the upload (SHA-256)"
                } else {
                    bytes = r.body.count
                    downloadLatencies.withLock { $0.append(ms) }
                }
            } catch {
                failure = "download failed: \(error)"
            }
            downloads.withLock { d in
                if let failure { d.failed += 1; d.failures[failure, default: 0] += 1 } else { d.ok += 1; d.bytes += bytes }
            }
        }
        batch.downloads = downloads.current
        batch.downloads.seconds = downloadSeconds
        batch.downloads.latency = LatencySummary(downloadLatencies.current)
        return batch
    }

    private func documentPeak(count: Int, size: Int, cases: [String]) -> DocumentPeak {
        let documents = Self.makeDocuments(count: count, size: size, stampFrom: 1_000_000)
        let apis = (0..<count).map { _ in api(readTimeout: 120) }
        let pid = options.pids["coordination"]
        let baseline = pid.flatMap { Self.statusMegabytes("VmRSS", pid: $0) }
        let reset = pid.map(Self.resetPeakMemory) ?? false
        let latencies = Locked([Double]())
        let outcome = Locked(DocumentPeak(uploads: count, sizeBytes: size))
        let start = clock.now
        let seconds = ThreadPool.run(count, name: "bench-documents", items: count) { [self] worker, item in
            let begun = clock.now
            let result = upload(apis[worker], caseId: cases[worker % cases.count], documents[item], index: 1_000_000 + item,
                                retryUntil: clock.now + 120)
            if result.documentId != nil { latencies.withLock { $0.append((clock.now - begun) * 1000) } }
            outcome.withLock { p in
                p.answered503 += result.answered503
                if result.documentId != nil { p.created += 1 } else { p.failed += 1; p.failures[result.failure ?? "?", default: 0] += 1 }
            }
        }
        let finished = clock.now
        let kernelPeak = reset ? pid.flatMap { Self.statusMegabytes("VmHWM", pid: $0) } : nil
        var peak = outcome.current
        peak.seconds = seconds
        peak.baselineMB = baseline
        peak.latency = LatencySummary(latencies.current)
        // The sample taken just after the step still shows what the step left resident.
        Thread.sleep(forTimeInterval: 1.1)
        peak.samplerPeakMB = sampler.series.filter { $0.t >= start && $0.t <= finished + 1.1 }.compactMap { $0.processes["coordination"]?.rssMB }.max()
        if let kernelPeak {
            peak.peakMB = kernelPeak; peak.peakMethod = "VmHWM after clear_refs"
        } else {
            peak.peakMB = peak.samplerPeakMB
            peak.peakMethod = pid == nil ? "no pid of coordination" : "highest 1-second sample (clear_refs failed)"
        }
        return peak
    }

    // MARK: Requests

    private struct UploadOutcome {
        var documentId: String?
        var failure: String?
        var answered503 = 0
        /// The latency of the request that got the final answer.
        var lastMilliseconds: Double?
    }

    /// One upload; a 503 (no slot in time) is tried again after its `Retry-After` until `retryUntil`.
    private func upload(_ api: CaseAPI, caseId: String, _ document: BenchDocument, index: Int, retryUntil: Double? = nil) -> UploadOutcome {
        var outcome = UploadOutcome()
        let deadline = retryUntil ?? clock.now + 60
        while true {
            let started = clock.now
            let answer: HTTPClientResponse
            do {
                answer = try api.uploadDocument(caseId, document.bytes, title: "Bench document \(index)")
            } catch {
                outcome.failure = "upload failed: \(error)"
                return outcome
            }
            outcome.lastMilliseconds = (clock.now - started) * 1000
            if answer.status == 503 && clock.now < deadline {
                outcome.answered503 += 1
                Thread.sleep(forTimeInterval: DocumentFigures.retryAfterSeconds(answer.header("Retry-After")))
                continue
            }
            guard answer.status == 201 else {
                outcome.failure = "upload answered \(answer.status)"
                return outcome
            }
            guard let json = try? answer.json(), let id = json["documentId"]?.stringValue else {
                outcome.failure = "upload answer without documentId"
                return outcome
            }
            guard json["current"]?["sha256"]?.stringValue == document.sha256 else {
                outcome.failure = "coordination's SHA-256 differs from the upload's"
                return outcome
            }
            outcome.documentId = id
            return outcome
        }
    }

    /// Cases coordination knows: those the run completed, and if too few, new registrations
    /// once coordination shows their dossier.
    private func documentCases(_ known: [String], needed: Int) -> [String] {
        var cases = Array(Set(known).sorted().prefix(needed))
        guard cases.count < needed else { return cases }
        let client = api()
        var fresh: [String] = []
        for _ in cases.count..<needed {
            if case .done(let registered)? = try? client.register(factory.person(takeIndex())) { fresh.append(registered.caseId) }
        }
        let deadline = clock.now + 60
        for caseId in fresh {
            while clock.now < deadline {
                if case .done? = try? client.dossier(caseId) { cases.append(caseId); break }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        return cases
    }

    // MARK: Helpers

    /// `count` PDFs of `size` bytes: one random body (SampleDocuments) with each document's
    /// number written over the start of its filler, so that every document differs.
    static func makeDocuments(count: Int, size: Int, stampFrom: Int = 0) -> [BenchDocument] {
        let base = SampleDocuments.pdf(size: size)
        return (0..<count).map { i in
            var bytes = base
            let stamp = Array(String(format: "bench%011d", stampFrom + i).utf8)
            bytes.replaceSubrange(9..<(9 + stamp.count), with: stamp)   // after "%PDF-1.7\n"
            return BenchDocument(bytes: bytes, sha256: SHA256Hasher.hexDigest(bytes))
        }
    }

    /// Resets the kernel's peak resident set (VmHWM) of `pid` to its current one: "5" written to
    /// /proc/<pid>/clear_refs (Linux; a process of the same user). False when that failed.
    static func resetPeakMemory(_ pid: Int32) -> Bool {
        let fd = open("/proc/\(pid)/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    static func statusMegabytes(_ field: String, pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return DocumentFigures.statusMegabytes(field, in: status)
    }
}

extension Bench.DocumentsResult {
    /// The `documents` member of latest.json.
    func json(postgresMegabytesPerSecond ceiling: Double?) throws -> JSONValue {
        func direction(_ d: Bench.DocumentDirection) throws -> JSONValue {
            var entry: [String: JSONValue] = [
                "requests": try BenchReport.value(d.requests), "ok": try BenchReport.value(d.ok), "failed": try BenchReport.value(d.failed),
                "answered_503": try BenchReport.value(d.answered503), "bytes": try BenchReport.value(d.bytes),
                "seconds": BenchReport.number(d.seconds), "mb_per_s": BenchReport.number(d.megabytesPerSecond),
                "vs_postgres_ceiling": BenchReport.ratio(d.megabytesPerSecond.flatMap { m in ceiling.map { m / $0 } }),
                "latency": BenchReport.summary(d.latency)]
            if !d.failures.isEmpty { entry["failures"] = try BenchReport.value(d.failures) }
            return .object(entry)
        }
        var json: [String: JSONValue] = [
            "basis": .string("payload bytes (10^6 to the MB) over the wall time of each batch; each worker its own case and kept-alive connection; "
                + "every download's SHA-256 compared with the upload's"),
            "cases": try BenchReport.value(cases),
            "postgres_ceiling_mb_per_s": BenchReport.number(ceiling),
            "batches": .array(try batches.map { b in
                .object(["size": .string(b.label), "size_bytes": try BenchReport.value(b.sizeBytes),
                         "uploads": try direction(b.uploads), "downloads": try direction(b.downloads)])
            }),
        ]
        if let problem { json["problem"] = .string(problem) }
        if let p = peak {
            var entry: [String: JSONValue] = [
                "uploads": try BenchReport.value(p.uploads), "size_bytes": try BenchReport.value(p.sizeBytes),
                "created": try BenchReport.value(p.created), "answered_503": try BenchReport.value(p.answered503),
                "failed": try BenchReport.value(p.failed), "seconds": BenchReport.number(p.seconds), "latency_to_created": BenchReport.summary(p.latency),
                "coordination_rss_before_mb": BenchReport.number(p.baselineMB),
                "coordination_peak_rss_mb": BenchReport.number(p.peakMB), "peak_method": .string(p.peakMethod),
                "sampler_peak_rss_mb": BenchReport.number(p.samplerPeakMB), "target_mb": .number(150),
                "met": p.peakMB.map { .bool($0 < 150) } ?? .null]
            if !p.failures.isEmpty { entry["failures"] = try BenchReport.value(p.failures) }
            json["concurrent_uploads"] = .object(entry)
        }
        return .object(json)
    }

    /// Upload and download MB/s per size against PostgreSQL's chunk-write ceiling.
    func ratios(postgresMegabytesPerSecond ceiling: Double?) -> JSONValue {
        var ratios: [String: JSONValue] = [:]
        for b in batches {
            let size = b.label.replacingOccurrences(of: " ", with: "").lowercased()
            ratios["upload_\(size)"] = BenchReport.ratio(b.uploads.megabytesPerSecond.flatMap { m in ceiling.map { m / $0 } })
            ratios["download_\(size)"] = BenchReport.ratio(b.downloads.megabytesPerSecond.flatMap { m in ceiling.map { m / $0 } })
        }
        return .object(ratios)
    }
}

/// The arithmetic and parsing of the documents phase.
enum DocumentFigures {
    /// Document sizes and rates count 10^6 bytes to the MB, as `IAS_DOCUMENT_MAX_BYTES` does.
    static let megabyte = 1_000_000.0
    /// One sealed chunk as coordination stores it, and as the PostgreSQL ceiling inserts it.
    static let chunkBytes = 512 * 1024

    static func megabytesPerSecond(bytes: Int, seconds: Double) -> Double? {
        seconds > 0 ? Double(bytes) / megabyte / seconds : nil
    }

    /// PostgreSQL's write ceiling for document content: pgbench transactions of one 512 KiB
    /// chunk each per second, in MB/s (tps × 0.5 MiB).
    static func ceilingMegabytesPerSecond(chunksPerSecond: Double) -> Double {
        chunksPerSecond * Double(chunkBytes) / megabyte
    }

    /// A `kB` field of /proc/<pid>/status (VmHWM, VmRSS) in MB of 2^20 bytes, as the sampler
    /// reports resident memory; nil when the field is missing.
    static func statusMegabytes(_ field: String, in status: String) -> Double? {
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let words = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let value = words.first.flatMap({ Double($0) }) else { return nil }
            return value / 1024
        }
        return nil
    }

    /// Seconds to wait after a 503, from its `Retry-After` (delta seconds; 1 to 60, 1 when absent).
    static func retryAfterSeconds(_ header: String?) -> Double {
        guard let header, let seconds = Double(header.trimmingCharacters(in: .whitespaces)) else { return 1 }
        return min(60, max(1, seconds))
    }
}

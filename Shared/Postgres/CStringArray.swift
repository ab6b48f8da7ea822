import Foundation

/// Calls `body` with C copies of `strings` (nil stays a null pointer), freed afterwards.
/// libpq reads them only during the call, so the copies need not outlive it.
func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { $0.map { UnsafePointer($0) } })
}

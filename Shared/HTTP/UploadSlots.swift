import Foundation
import IASRuntime

/// A counting semaphore shared by the requests of the routes that name it (`BodyPolicy.slots`):
/// at most `capacity` of them have their body read and handled at once. A large body is held
/// whole in memory while its handler runs, so this bounds the memory that uploads take, and
/// keeps them from taking every connection thread. A request that finds every slot taken waits
/// up to `maxWait` seconds; then it is answered 503 with `Retry-After`, before its body is read.
public final class UploadSlots: @unchecked Sendable {
    /// Labels the metrics (`http_upload_slots_in_use`, `http_upload_slots_refused_total`);
    /// a fixed word such as "documents", never request data.
    public let name: String
    public let capacity: Int
    /// Seconds a request may wait for a slot; 0 refuses at once when all are taken.
    public let maxWait: Double
    /// Seconds a refused client is told to wait before it tries again.
    public let retryAfterSeconds: Int

    private let condition = MonotonicCondition()
    private var held = 0
    private var refused = 0

    public init(name: String, capacity: Int, maxWait: Double = 0, retryAfterSeconds: Int = 5) {
        precondition(capacity > 0, "upload slots \(name) need a capacity of at least 1")
        self.name = name
        self.capacity = capacity
        self.maxWait = max(0, maxWait)
        self.retryAfterSeconds = max(1, retryAfterSeconds)
    }

    /// Takes a slot, waiting up to `maxWait`; false when none became free. Every true must be
    /// followed by exactly one `release()`.
    public func acquire() -> Bool {
        let deadline = MonotonicClock.now() + maxWait
        condition.lock()
        defer { condition.unlock() }
        while held >= capacity {
            guard condition.wait(until: deadline) || held < capacity else {
                refused += 1
                return false
            }
        }
        held += 1
        return true
    }

    public func release() {
        condition.lock()
        defer { condition.unlock() }
        precondition(held > 0, "upload slots \(name) released more often than acquired")
        held -= 1
        condition.signal()
    }

    /// Slots taken now.
    public var inUse: Int {
        condition.lock()
        defer { condition.unlock() }
        return held
    }

    /// Requests refused so far because no slot became free in time.
    public var refusals: Int {
        condition.lock()
        defer { condition.unlock() }
        return refused
    }

    /// The answer to a request that found no free slot.
    var busyProblem: Problem {
        Problem.unavailable("All \(capacity) upload slots of this server are in use; nothing was stored. "
                            + "Send the request again in \(retryAfterSeconds) seconds.", retryAfterSeconds: retryAfterSeconds)
    }
}

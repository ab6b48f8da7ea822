import Foundation
import TestSupport

extension TestDatabase {
    /// Runs `body` on a new thread at once (a dispatch queue may delay it while other work blocks).
    static func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }
}

/// A failure thrown by test bodies.
struct Boom: Error, Equatable {}

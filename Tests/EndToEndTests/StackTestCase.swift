import TestSupport
import XCTest

/// A test class against services running as real processes: its stack is started (and warmed
/// up, if it says so) before its first test and stopped after its last.
class StackTestCase: XCTestCase {
    nonisolated(unsafe) static var stack: TestStack!

    /// The services of the class, started: `TestStack.running(...)`.
    class func startStack() -> TestStack { fatalError("\(self) names the services it runs in startStack()") }

    override class func setUp() {
        super.setUp()
        stack = startStack()
    }

    override class func tearDown() {
        stack?.stop()
        stack = nil
        super.tearDown()
    }
}

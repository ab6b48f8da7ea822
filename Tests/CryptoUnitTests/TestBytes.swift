import XCTest

/// Bytes from hex text, for the published vectors.
func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count % 2 == 0, "odd hex length")
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}

/// Fails unless `body` throws exactly `expected`.
func XCTAssertThrows<E: Error & Equatable, T>(
    _ expected: E, _ body: @autoclosure () throws -> T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try body(), message, file: file, line: line) { error in
        XCTAssertEqual(error as? E, expected, "\(message): threw \(error)", file: file, line: line)
    }
}

import Foundation
internal import COpenSSL

/// SHA-256 of migration scripts, computed by libcrypto. A hex digest here equals `sha256sum`
/// of the file, so operators can check a recorded checksum by hand.
enum SHA256 {
    static func hex(_ text: String) -> String {
        digest(Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func digest(_ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        message.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                _ = COpenSSL.SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return out
    }
}

/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked

    /// Rejects ambiguous framing (both Content-Length and Transfer-Encoding, differing
    /// lengths) with 400, unknown transfer codings with 501 and a declared length above
    /// `maxBodyBytes` with 413, before any of the body is read.
    init(head: RequestHead, maxBodyBytes: Int) throws {
        let transferEncodings = head.headers.values("Transfer-Encoding")
        let lengths = head.headers.values("Content-Length")
        if !transferEncodings.isEmpty {
            guard lengths.isEmpty else {
                throw Problem.badRequest("The request has both Content-Length and Transfer-Encoding.")
            }
            guard head.minorVersion >= 1 else {
                throw Problem.badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request.")
            }
            let codings = ASCII.listElements(transferEncodings)
            if let unsupported = codings.first(where: { $0 != "chunked" }) {
                throw Problem.status(501, "The transfer coding '\(unsupported.prefix(40))' is not supported; send the body with Content-Length or chunked.")
            }
            guard codings.count == 1 else {
                throw Problem.badRequest(codings.isEmpty ? "The Transfer-Encoding header is empty."
                                                         : "The chunked transfer coding is applied more than once.")
            }
            self = .chunked
            return
        }
        guard !lengths.isEmpty else {
            self = .none
            return
        }
        // A list of identical values ("5, 5") is allowed (RFC 9110 §8.6); anything else is not.
        var declared: Int?
        for element in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            guard let value = Self.parseLength(element.trimmingSpaces()) else {
                throw Problem.badRequest("The Content-Length header is not a non-negative whole number.")
            }
            guard declared == nil || declared == value else {
                throw Problem.badRequest("The request has conflicting Content-Length values.")
            }
            declared = value
        }
        let length = declared ?? 0
        guard length <= maxBodyBytes else { throw Self.tooLarge(maxBodyBytes) }
        self = length == 0 ? .none : .length(length)
    }

    static func tooLarge(_ maxBodyBytes: Int) -> Problem {
        Problem.status(413, "The request body is larger than the \(maxBodyBytes) bytes this server accepts.")
    }

    /// Decimal digits only; values beyond Int saturate (they are too large either way).
    static func parseLength(_ text: String) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            value = overflow1 || overflow2 ? Int.max : sum
        }
        return value
    }
}

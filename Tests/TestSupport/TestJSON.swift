import Foundation
import IASHTTPClient
import IASRuntime

/// JSON as the tests write and read it loosely: Foundation values (`[String: Any]`, numbers
/// that compare `as? Int` and `as? Double`) converted to and from `JSONValue`, which the
/// client sends and parses. Only the tests use this view; code works with `JSONValue`.
public enum TestJSON {
    /// `any` as JSON: strings, numbers, booleans, arrays, dictionaries, `NSNull`, `JSONValue`
    /// and any `Encodable` (a `NewPerson` inside a list, say).
    public static func value(_ any: Any) throws -> JSONValue {
        switch any {
        case let value as JSONValue: return value
        case is NSNull: return .null
        case let number as NSNumber where type(of: any) is NSNumber.Type: return .number(number.doubleValue)
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(Double(number))
        case let number as Double: return .number(number)
        case let items as [Any]: return .array(try items.map(value))
        case let members as [String: Any]: return .object(try members.mapValues(value))
        case let encodable as any Encodable: return try JSONValue(encoding: encodable)
        default: throw TestFailure("\(type(of: any)) cannot be written as JSON")
        }
    }

    /// `json` as Foundation values; whole numbers as integers, as JSONSerialization reads them.
    public static func foundation(_ json: JSONValue) -> Any {
        switch json {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let n): return n == n.rounded() && abs(n) < 9e15 ? NSNumber(value: Int(n)) : NSNumber(value: n)
        case .string(let text): return text
        case .array(let items): return items.map(foundation)
        case .object(let members): return members.mapValues(foundation)
        }
    }

    /// `any` written as JSON text.
    public static func bytes(_ any: Any) throws -> [UInt8] { try JSONCoding.encode(try value(any)) }

    /// `json` as a dictionary; empty when it is no object.
    public static func object(_ json: JSONValue) -> [String: Any] { foundation(json) as? [String: Any] ?? [:] }
}

extension HTTPClientResponse {
    /// The body as a JSON object of Foundation values; throws when it is none.
    public func object() throws -> [String: Any] {
        guard let object = TestJSON.foundation(try json()) as? [String: Any] else {
            throw TestFailure("the answer is not a JSON object: \(status) \(text.prefix(300))")
        }
        return object
    }
}

extension HTTPClient {
    /// A request with `body` (Foundation values or anything `TestJSON.value` takes) as JSON.
    public func json(_ method: String, _ path: String, token: String?, body: Any?, headers: [String: String] = [:]) throws -> HTTPClientResponse {
        try json(method, path, token: token, body: try body.map(TestJSON.value), headers: headers.map { ($0.key, $0.value) })
    }

    /// A request with header fields given as a dictionary.
    public func request(_ method: String, _ path: String, headers: [String: String], body: [UInt8]? = nil) throws -> HTTPClientResponse {
        try request(method, path, headers: headers.map { ($0.key, $0.value) }, body: body)
    }
}

import Foundation

/// Where the encoder puts what it encodes: bytes (`JSONWriter`) or a `JSONValue`
/// (`JSONValueBuilder`), so that an event's data becomes a value without being written and
/// read again.
protocol JSONOutput {
    mutating func beginObject()
    mutating func key(_ name: String)
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    mutating func null()
    mutating func bool(_ value: Bool)
    mutating func int(_ value: Int64)
    mutating func uint(_ value: UInt64)
    mutating func double(_ value: Double) throws
    mutating func string(_ value: String)
    mutating func identifier(_ value: Identifier)
    mutating func date(_ value: CalendarDate)
    mutating func timestamp(_ value: Date)
    mutating func value(_ value: JSONValue) throws
}

extension JSONWriter: JSONOutput {}

/// Builds a `JSONValue` from the encoder's calls.
struct JSONValueBuilder: JSONOutput {
    private struct Open {
        var members: [String: JSONValue] = [:]
        var items: [JSONValue] = []
        let isObject: Bool
        var key = ""
    }

    private var open: [Open] = []
    private(set) var result = JSONValue.null

    mutating func beginObject() { open.append(Open(isObject: true)) }
    mutating func key(_ name: String) { open[open.count - 1].key = name }
    mutating func endObject() { add(.object(open.removeLast().members)) }
    mutating func beginArray() { open.append(Open(isObject: false)) }
    mutating func endArray() { add(.array(open.removeLast().items)) }
    mutating func null() { add(.null) }
    mutating func bool(_ value: Bool) { add(.bool(value)) }
    mutating func int(_ value: Int64) { add(.number(Double(value))) }
    mutating func uint(_ value: UInt64) { add(.number(Double(value))) }

    mutating func double(_ value: Double) throws {
        guard value.isFinite else { throw JSONWriter.NonFiniteNumber(value: value) }
        add(.number(value))
    }

    mutating func string(_ value: String) { add(.string(value)) }
    mutating func identifier(_ value: Identifier) { add(.string(value.description)) }
    mutating func date(_ value: CalendarDate) { add(.string(value.description)) }
    mutating func timestamp(_ value: Date) { add(.string(Timestamp.format(value))) }
    mutating func value(_ value: JSONValue) { add(value) }

    private mutating func add(_ value: JSONValue) {
        guard !open.isEmpty else { result = value; return }
        let last = open.count - 1
        if open[last].isObject {
            open[last].members[open[last].key] = value
        } else {
            open[last].items.append(value)
        }
    }
}

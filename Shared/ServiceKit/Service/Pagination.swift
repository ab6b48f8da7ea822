import IASHTTP
import IASRuntime

/// `?limit=&cursor=` of list endpoints. The cursor is the key of the last item of the
/// previous page: an id for stored lists, a code for lists held in memory (a catalogue).
public struct Pagination: Sendable {
    public enum CursorKind: Sendable { case identifier, code }

    public let limit: Int
    /// The cursor of a stored list, nil on its first page.
    public let after: Identifier?
    /// The cursor as sent (the code of a list held in memory).
    public let cursor: String?

    public init(_ request: HTTPRequest, defaultLimit: Int = 50, maximum: Int = 200, cursor kind: CursorKind = .identifier) throws {
        var query = QueryParameters(request)
        limit = query.value("limit", "must be a whole number from 1 to \(maximum)") { Int($0).flatMap { (1...maximum).contains($0) ? $0 : nil } }
            ?? defaultLimit
        cursor = query["cursor"]
        // A stored list's cursor must be an id; a catalogue's is a code, looked up in the list.
        after = kind == .identifier ? query.identifier("cursor", Self.unknownCursor.message) : cursor.flatMap(Identifier.init)
        try query.throwIfInvalid()
    }

    static let unknownCursor = FieldError(field: "cursor", message: "is not a cursor returned by this list")
}

extension Pagination {
    /// How many rows to ask the store for: one more than the page shows, so that the answer
    /// knows whether another page follows.
    public var fetchLimit: Int { limit + 1 }

    /// The page of `rows` (fetched with `fetchLimit`, in the list's order): its cursor is the
    /// key of its last item when more follow.
    public func page<Item>(_ rows: [Item], key: (Item) -> Identifier) -> Page<Item> {
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map { key($0).description } : nil)
    }

    /// The page of a list held in memory, after the item whose key is the cursor.
    public func page<Item>(ofAll all: [Item], key: (Item) -> String) throws -> Page<Item> {
        var rest = all[...]
        if let cursor {
            guard let index = all.firstIndex(where: { key($0) == cursor }) else { throw Problem.validation([Self.unknownCursor]) }
            rest = all[(index + 1)...]
        }
        let items = Array(rest.prefix(limit))
        return Page(items: items, nextCursor: rest.count > limit ? items.last.map(key) : nil)
    }
}

/// One page of a list.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public let items: [Item]
    public let nextCursor: String?
    public init(items: [Item], nextCursor: String?) { self.items = items; self.nextCursor = nextCursor }
}


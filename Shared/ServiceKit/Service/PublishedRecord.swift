/// A stored record that holds an event as the service published it, field for field, and
/// beside it what only the service keeps (versions, times, who recorded it). Row and JSON
/// are one flat object of both parts' members, as before they were split; the event's
/// members are read through the record (`person.givenName`). What is stored and answered
/// is what was published, by construction: no second list of the event's fields to drift.
@dynamicMemberLookup
public protocol PublishedRecord: Codable {
    associatedtype Published: Codable
    associatedtype Kept: Codable
    var published: Published { get set }
    var kept: Kept { get set }
    init(published: Published, kept: Kept)
}

extension PublishedRecord {
    /// Both parts from the one row or object: each reads its own members.
    public init(from decoder: any Decoder) throws {
        self.init(published: try Published(from: decoder), kept: try Kept(from: decoder))
    }

    /// Both parts into the one object (a second keyed container adds to the first).
    public func encode(to encoder: any Encoder) throws {
        try published.encode(to: encoder)
        try kept.encode(to: encoder)
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<Published, T>) -> T {
        get { published[keyPath: path] }
        set { published[keyPath: path] = newValue }
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<Kept, T>) -> T {
        get { kept[keyPath: path] }
        set { kept[keyPath: path] = newValue }
    }
}

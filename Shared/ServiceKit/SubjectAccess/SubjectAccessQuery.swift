import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// Finds what a service's own schema holds about one person, from the schema itself rather
/// than a list kept by hand, so that a table added later is exported without anyone
/// remembering to: a table belongs to the person when it has a `person_id` column naming them
/// or a `case_id` column naming one of their cases; a table without either belongs to them
/// when a foreign key leads to such a row (a charge to its cost approval, a version to its
/// document), followed up to `maximumDepth` steps. Beside the tables: the events of the
/// person's cases in the outbox and the answers kept for repeated writes.
public enum SubjectAccessQuery {
    static let maximumDepth = 3

    struct Relation {
        let name: String
        let hasCase: Bool
        let hasPerson: Bool
        /// Binary columns (sealed content, wrapped keys): left out of the rows.
        let binaryColumns: [String]
    }

    struct ForeignKey {
        let child: String
        let parent: String
        /// Quoted column lists of the same length, in key order.
        let childColumns: String
        let parentColumns: String
    }

    /// Everything in the current schema about `personId`, except the `withheld` tables.
    public static func gather(personId: Identifier, service: String, withheld: [SubjectAccessReport.Withheld],
                              on c: PostgresConnection) throws -> SubjectAccessReport {
        let relations = try self.relations(on: c)
        let keys = try foreignKeys(on: c)
        let skipped = Set(withheld.filter { $0.columns == nil }.map(\.table))
        let caseIds = try cases(of: personId, relations: relations.values.filter { $0.hasCase && $0.hasPerson && !skipped.contains($0.name) }, on: c)
        let caseArray = PostgresArray(caseIds)
        var tables: [SubjectAccessReport.Table] = []
        var withheldColumns: [SubjectAccessReport.Withheld] = []
        for relation in relations.values.sorted(by: { $0.name < $1.name }) where !skipped.contains(relation.name) {
            guard let predicate = predicate(relation.name, relations: relations, keys: keys, depth: 0) else { continue }
            let rows = try c.query("""
                SELECT coalesce(json_agg(to_jsonb(r) - $3::text[] ORDER BY to_jsonb(r)::text), '[]')::text AS rows
                FROM \(PostgresConnection.quotedIdentifier(relation.name)) r WHERE \(predicate)
                  AND $1::text[] IS NOT NULL AND $2::text IS NOT NULL   -- typed even where the predicate uses one of them only
                """, [caseArray, personId.description, PostgresArray(relation.binaryColumns)])
            let list = try array(try rows[0].string("rows"))
            tables.append(.init(table: relation.name, count: list.count, rows: list))
            if !relation.binaryColumns.isEmpty {
                withheldColumns.append(.init(table: relation.name, columns: relation.binaryColumns,
                                             reason: "binary content kept sealed at rest (keys, encrypted bytes); the documents are exported decrypted"))
            }
        }
        tables.append(try storedAnswers(caseArray, personId, on: c))
        return SubjectAccessReport(service: service, personId: personId, caseIds: caseIds, generatedAt: Date(), tables: tables,
                                   outbox: try outbox(caseArray, on: c), withheld: withheld + withheldColumns)
    }

    /// The person's cases: from every table that pairs a person with a case (intake's persons,
    /// the case registry of the other services).
    static func cases(of personId: Identifier, relations: [Relation], on c: PostgresConnection) throws -> [Identifier] {
        guard !relations.isEmpty else { return [] }
        let union = relations.sorted { $0.name < $1.name }
            .map { "SELECT case_id::text AS case_id FROM \(PostgresConnection.quotedIdentifier($0.name)) WHERE person_id::text = $1" }
            .joined(separator: " UNION ")
        return try c.query("SELECT DISTINCT case_id FROM (\(union)) u ORDER BY case_id", [personId.description])
            .compactMap { Identifier(try $0.string("case_id")) }
    }

    /// The condition on `table`'s rows (unqualified columns, so that it nests): $1 the cases
    /// as a text array, $2 the person. Nil when the table cannot belong to a person.
    static func predicate(_ table: String, relations: [String: Relation], keys: [ForeignKey], depth: Int) -> String? {
        guard let relation = relations[table] else { return nil }
        var terms: [String] = []
        if relation.hasCase { terms.append("case_id::text = ANY($1::text[])") }
        if relation.hasPerson { terms.append("person_id::text = $2") }
        if terms.isEmpty && depth < maximumDepth {
            for key in keys where key.child == table && key.parent != table {
                guard let inner = predicate(key.parent, relations: relations, keys: keys, depth: depth + 1) else { continue }
                terms.append("(\(key.childColumns)) IN (SELECT \(key.parentColumns) FROM \(PostgresConnection.quotedIdentifier(key.parent)) WHERE \(inner))")
            }
        }
        return terms.isEmpty ? nil : "(" + terms.joined(separator: " OR ") + ")"
    }

    static func relations(on c: PostgresConnection) throws -> [String: Relation] {
        let rows = try c.query("""
            SELECT k.table_name::text AS name, bool_or(k.column_name = 'case_id') AS has_case, bool_or(k.column_name = 'person_id') AS has_person,
                   coalesce(string_agg(k.column_name::text, ',' ORDER BY k.column_name) FILTER (WHERE k.data_type = 'bytea'), '') AS binary_columns
            FROM information_schema.columns k
            JOIN information_schema.tables t ON t.table_schema = k.table_schema AND t.table_name = k.table_name
            WHERE k.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            GROUP BY k.table_name
            """)
        var result: [String: Relation] = [:]
        for row in rows {
            let name = try row.string("name")
            let binary = try row.string("binary_columns")
            result[name] = Relation(name: name, hasCase: try row.bool("has_case"), hasPerson: try row.bool("has_person"),
                                    binaryColumns: binary.isEmpty ? [] : binary.split(separator: ",").map(String.init))
        }
        return result
    }

    static func foreignKeys(on c: PostgresConnection) throws -> [ForeignKey] {
        try c.query("""
            SELECT child.relname::text AS child, parent.relname::text AS parent,
                   (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY u.i) FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS child_columns,
                   (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY u.i) FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n) AS parent_columns
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE k.contype = 'f' AND n.nspname = current_schema() AND parent.relnamespace = child.relnamespace
            ORDER BY 1, 2
            """).map {
            ForeignKey(child: try $0.string("child"), parent: try $0.string("parent"),
                       childColumns: try $0.string("child_columns"), parentColumns: try $0.string("parent_columns"))
        }
    }

    /// Events about the cases not yet purged from the outbox (published or waiting); the
    /// audit records are the trail's, exported with the accesses.
    static func outbox(_ caseArray: PostgresArray, on c: PostgresConnection) throws -> SubjectAccessReport.Table {
        let rows = try c.query("""
            SELECT coalesce(json_agg(json_build_object('eventId', event_id, 'topic', topic, 'eventType', event_type,
                                                       'createdAt', created_at, 'publishedAt', published_at, 'event', payload::jsonb)
                                     ORDER BY id), '[]')::text AS rows
            FROM outbox WHERE partition_key = ANY($1::text[]) AND topic <> $2
            """, [caseArray, Topics.audit])
        let list = try array(try rows[0].string("rows"))
        return .init(table: "outbox", count: list.count, rows: list)
    }

    /// The answers kept for repeated writes (`Idempotency-Key`) that named the person or one of
    /// their cases: they repeat what the write answered, personal data included.
    static func storedAnswers(_ caseArray: PostgresArray, _ personId: Identifier, on c: PostgresConnection) throws -> SubjectAccessReport.Table {
        let rows = try c.query("""
            SELECT coalesce(json_agg(json_build_object('scope', scope, 'createdAt', created_at, 'status', status, 'answer', body)
                                     ORDER BY created_at, scope), '[]')::text AS rows
            FROM idempotency_keys
            WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(disclosed) d
                          WHERE d->>'personId' = $2::text OR d->>'caseId' = ANY($1::text[]))
            """, [caseArray, personId.description])
        let list = try array(try rows[0].string("rows"))
        return .init(table: "idempotency_keys", count: list.count, rows: list)
    }

    /// The rows of a `json_agg`, which is always an array.
    static func array(_ text: String) throws -> [JSONValue] {
        guard case .array(let list) = try JSONParser.parse(text) else { return [] }
        return list
    }
}

import IASHTTP
import IASPostgres
import IASRuntime

extension ServiceHost {
    /// `GET /cases/{caseId}/<records>`: one page of what the service holds of a case, after
    /// the caller's access to that case (404/403 as `access` decides, audited with the case).
    /// `records` reads `fetchLimit` rows after the cursor, in the list's order.
    public func casePage<Case: CaseRecord, Item: Encodable & Sendable>(
        _ context: RequestContext,
        case find: (Identifier, PostgresConnection) throws -> Case?,
        records: (Identifier, Pagination, PostgresConnection) throws -> [Item],
        key: (Item) -> Identifier
    ) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let page = try Pagination(context.request)
        let rows = try read { c -> [Item] in
            try context.access(find(caseId, c))
            return try records(caseId, page, c)
        }
        return .json(page.page(rows, key: key))
    }
}

import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `GET /catalog/measures`, `GET /catalog/pathways`.
extension PlanApp {
    /// Catalogue lists page by code (`?limit=&cursor=<last code>`), with the catalogue's version.
    struct CatalogPage<Item: Encodable & Sendable>: Encodable, Sendable {
        var version: String
        var items: [Item]
        var nextCursor: String?

        init(version: String, _ page: Page<Item>) {
            self.version = version; items = page.items; nextCursor = page.nextCursor
        }
    }

    func catalogMeasures(_ context: RequestContext) throws -> HTTPResponse {
        let page = try Pagination(context.request, defaultLimit: 100, cursor: .code).page(ofAll: catalog.measures) { $0.code }
        return .json(CatalogPage(version: catalog.measuresVersion, page))
    }

    func catalogPathways(_ context: RequestContext) throws -> HTTPResponse {
        let page = try Pagination(context.request, defaultLimit: 100, cursor: .code).page(ofAll: catalog.pathways) { $0.code }
        return .json(CatalogPage(version: catalog.pathwaysVersion, page))
    }
}

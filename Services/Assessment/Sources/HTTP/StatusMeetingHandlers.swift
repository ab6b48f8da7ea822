import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `POST/GET /cases/{caseId}/status-meetings`.
extension AssessmentApp {
    func recordStatusMeeting(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let body = try context.request.decode(StatusMeetingRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        return try host.write(context) { c in
            try context.access(CaseRegistry.find(caseId, lock: true, on: c), forChange: true)
            let meeting = try AssessmentStore.insertMeeting(body, id: Identifier(), caseId: caseId, actor: context.actor, on: c)
            try host.emitter(context.cause, on: c).emit(StatusMeetingRecorded(caseId: caseId, meetingId: meeting.meetingId, heldOn: meeting.heldOn,
                                                                            participantCount: meeting.participants.count), caseId: caseId)
            return .json(meeting, status: 201, headers: [("Location", "/cases/\(caseId)/status-meetings")])
        }
    }

    func listStatusMeetings(_ context: RequestContext) throws -> HTTPResponse {
        try host.casePage(context, case: { id, c in try CaseRegistry.find(id, on: c) },
                          records: { id, page, c in try AssessmentStore.meetings(id, after: page.after, limit: page.fetchLimit, on: c) }, key: \.meetingId)
    }
}

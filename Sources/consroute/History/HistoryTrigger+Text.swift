import ConsRouteModel
import ConsRouteStore

extension HistoryTrigger {
    /// The drift event id or the operator's note; nil for a bootstrap or a schedule.
    var detail: String? {
        switch self {
        case .drift(let eventID): eventID
        case .bootstrap, .schedule: nil
        case .operatorRequest(let note): note.isEmpty ? nil : note
        }
    }
}

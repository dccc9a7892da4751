import ConsRouteStore

extension HistoryTrigger {
    /// The trigger's kind as stored and shown: `drift`, `schedule` or `operator`.
    var kindName: String {
        switch self {
        case .drift: "drift"
        case .schedule: "schedule"
        case .operatorRequest: "operator"
        }
    }

    /// The drift event id or the operator's note; nil for a schedule.
    var detail: String? {
        switch self {
        case .drift(let eventID): eventID
        case .schedule: nil
        case .operatorRequest(let note): note.isEmpty ? nil : note
        }
    }
}

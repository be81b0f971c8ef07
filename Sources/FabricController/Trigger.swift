/// Why a reconcile runs, as named in notifications.
public enum Trigger: String, Sendable, Hashable, CaseIterable, Comparable {
    case manual
    case specChange = "spec_change"
    case sourceChange = "source_change"
    case targetChange = "target_change"
    case drift
    case startup
    case retry
    case interval

    /// When triggers coalesce, the run is named after the most deliberate one.
    var precedence: Int { Trigger.allCases.firstIndex(of: self)! }

    public static func < (lhs: Trigger, rhs: Trigger) -> Bool { lhs.precedence < rhs.precedence }

    /// A failing fabric waits out its backoff, except for triggers that may
    /// well fix it (a new source, a new spec or target, a person asking).
    var bypassesBackoff: Bool {
        switch self {
        case .manual, .specChange, .sourceChange, .targetChange, .startup: return true
        case .drift, .retry, .interval: return false
        }
    }
}

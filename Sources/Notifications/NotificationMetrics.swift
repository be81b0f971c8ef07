import FabricValue
import Synchronization

/// Reconcile figures for `/metrics`, gathered by listening to the event
/// stream like any other client (so the controller needs no metrics code):
/// `sync_completed` gives the outcome, duration and counts, `drift_detected`
/// the drift events.
public final class ReconcileMetrics: EventSink {
    /// Upper bounds of the duration histogram, in seconds.
    public static let buckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: ReconcileMetrics.buckets.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    struct Key: Hashable, Comparable {
        var fabric: String
        var outcome: String
        static func < (a: Key, b: Key) -> Bool { (a.fabric, a.outcome) < (b.fabric, b.outcome) }
    }

    struct State {
        var durations: [Key: Histogram] = [:]
        var applied: [String: UInt64] = [:]
        var pruned: [String: UInt64] = [:]
        var drift: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func offer(_ envelope: Envelope, encoded: [UInt8]) -> Bool {
        guard let fabric = envelope.fabricID else { return true }
        switch envelope.type {
        case MessageType.syncCompleted:
            let data = envelope.data
            let outcome = data["success"]?.boolValue == true ? "success" : "failure"
            let seconds = Double(data["duration_ms"]?.intValue ?? 0) / 1000
            let counts = data["counts"]
            let applied = ["created", "updated", "adopted"].reduce(0) { $0 + (counts?[$1]?.intValue ?? 0) }
            let pruned = counts?["pruned"]?.intValue ?? 0
            state.withLock { state in
                var histogram = state.durations[Key(fabric: fabric, outcome: outcome)] ?? Histogram()
                for (index, bound) in Self.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
                histogram.count += 1
                histogram.sum += seconds
                state.durations[Key(fabric: fabric, outcome: outcome)] = histogram
                state.applied[fabric, default: 0] += UInt64(max(0, applied))
                state.pruned[fabric, default: 0] += UInt64(max(0, pruned))
            }
        case MessageType.driftDetected:
            state.withLock { $0.drift[fabric, default: 0] += 1 }
        default:
            break
        }
        return true
    }

    public func overflowed() {}

    /// The reconcile families in Prometheus text format.
    func render(into text: inout PrometheusText) {
        let snapshot = state.withLock { $0 }
        text.family("fabricsync_reconcile_total", "counter", "Reconciles finished, by fabric and outcome.")
        for (key, histogram) in snapshot.durations.sorted(by: { $0.key < $1.key }) {
            text.sample("fabricsync_reconcile_total", ["fabric": key.fabric, "outcome": key.outcome], Double(histogram.count))
        }
        text.family("fabricsync_reconcile_duration_seconds", "histogram", "Reconcile duration, by fabric and outcome.")
        for (key, histogram) in snapshot.durations.sorted(by: { $0.key < $1.key }) {
            let labels = ["fabric": key.fabric, "outcome": key.outcome]
            for (index, bound) in Self.buckets.enumerated() {
                text.sample("fabricsync_reconcile_duration_seconds_bucket", labels.merging(["le": PrometheusText.number(bound)]) { $1 }, Double(histogram.counts[index]))
            }
            text.sample("fabricsync_reconcile_duration_seconds_bucket", labels.merging(["le": "+Inf"]) { $1 }, Double(histogram.count))
            text.sample("fabricsync_reconcile_duration_seconds_sum", labels, histogram.sum)
            text.sample("fabricsync_reconcile_duration_seconds_count", labels, Double(histogram.count))
        }
        text.counterByFabric("fabricsync_objects_applied_total", "Objects created, updated or adopted.", snapshot.applied)
        text.counterByFabric("fabricsync_objects_pruned_total", "Objects pruned.", snapshot.pruned)
        text.counterByFabric("fabricsync_drift_events_total", "Drift detections.", snapshot.drift)
    }
}

/// Builds the Prometheus text exposition format (version 0.0.4).
struct PrometheusText {
    private(set) var text = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [String: String] = [:], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escaped($0.value))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    mutating func gauge(_ name: String, _ help: String, _ value: Double) {
        family(name, "gauge", help)
        sample(name, [:], value)
    }

    mutating func counter(_ name: String, _ help: String, _ value: Double) {
        family(name, "counter", help)
        sample(name, [:], value)
    }

    mutating func counterByFabric(_ name: String, _ help: String, _ values: [String: UInt64]) {
        family(name, "counter", help)
        for (fabric, value) in values.sorted(by: { $0.key < $1.key }) { sample(name, ["fabric": fabric], Double(value)) }
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escaped(_ value: String) -> String {
        value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}

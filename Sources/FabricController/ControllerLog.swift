import FabricValue
import Foundation

/// Structured log lines: `text` (`key=value`) or `json` (one object a line),
/// one line per reconcile with fabric, trigger, revision, counts, duration and outcome.
public struct ControllerLog: Sendable {
    public enum Format: String, Sendable { case text, json }

    public let format: Format
    private let write: @Sendable (String) -> Void

    public init(format: Format = .text, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.format = format
        self.write = write
    }

    public static let silent = ControllerLog(write: { _ in })

    public func reconciled(_ report: ReconcileReport) {
        let milliseconds = Double(report.duration.components.seconds) * 1000 + Double(report.duration.components.attoseconds) / 1e15
        var fields: [(String, Value)] = [
            ("fabric", .string(report.fabricID)), ("trigger", .string(report.trigger.rawValue)), ("revision", .string(report.revision)),
            ("outcome", .string(report.outcome.reason)), ("sync_status", .string(report.syncStatus.rawValue)),
            ("created", .int(Int64(report.counts.created))), ("updated", .int(Int64(report.counts.updated))),
            ("unchanged", .int(Int64(report.counts.unchanged))), ("adopted", .int(Int64(report.counts.adopted))),
            ("pruned", .int(Int64(report.counts.pruned))), ("failed", .int(Int64(report.counts.failed))),
            ("duration_ms", .double((milliseconds * 10).rounded() / 10)),
        ]
        if !report.outcome.isSuccess { fields.append(("message", .string(report.message))) }
        emit(report.outcome.isSuccess ? "info" : "error", "reconciled", fields)
    }

    public func info(_ message: String, _ fields: [(String, Value)] = []) { emit("info", message, fields) }
    public func warning(_ message: String, _ fields: [(String, Value)] = []) { emit("warning", message, fields) }
    public func error(_ message: String, _ fields: [(String, Value)] = []) { emit("error", message, fields) }

    private func emit(_ level: String, _ message: String, _ fields: [(String, Value)]) {
        let time = Timestamp.milliseconds(sinceEpoch: Date().timeIntervalSince1970)
        switch format {
        case .json:
            var object = Object([("time", .string(time)), ("level", .string(level)), ("msg", .string(message))])
            for (key, value) in fields { object[key] = value }
            write(JSONWriter.string(.object(object)))
        case .text:
            var line = "\(time) \(level.uppercased()) \(message)"
            for (key, value) in fields {
                let text: String
                if case .string(let s) = value { text = s.contains(" ") || s.isEmpty ? JSONWriter.string(value) : s } else { text = JSONWriter.string(value) }
                line += " \(key)=\(text)"
            }
            write(line)
        }
    }
}

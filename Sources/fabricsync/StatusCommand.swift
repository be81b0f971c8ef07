import ArgumentParsing
import FabricValue
import Foundation

/// `fabricsync status --server URL`: the fabrics of a running controller as a table, like `flux get`.
enum StatusCommand: Command {
    static let spec = CommandSpec(
        name: "status",
        abstract: "Show every fabric's status from a running server.",
        discussion: "Exit 0 when every enabled fabric is Ready, 1 otherwise, 2 on errors.",
        options: ServerConnection.options
    )

    static func run(_ arguments: ParsedArguments, _ console: Console) async throws -> ExitStatus {
        let server = try ServerConnection(arguments)
        let answer: Value
        do { answer = try await server.getJSON("/api/v1/fabrics") } catch {
            console.error("fabricsync status: \(error)")
            return .failure
        }
        let items = answer["items"]?.arrayValue ?? []
        console.out(table(items))
        let allReady = items.allSatisfy { $0["ready"]?.boolValue == true || $0["sync_status"]?.stringValue == "disabled" }
        return allReady ? .success : .changesOrNotReady
    }

    static func table(_ items: [Value]) -> String {
        var rows = [["NAME", "READY", "STATUS", "REVISION", "LAST SYNC", "MESSAGE"]]
        for item in items {
            let ready = Self.readyCondition(item["status"])
            rows.append([
                item["fabric_id"]?.stringValue ?? "?",
                ready?["status"]?.stringValue ?? (item["ready"]?.boolValue == true ? "True" : "False"),
                item["sync_status"]?.stringValue ?? "",
                item["revision"]?.stringValue ?? "",
                item["last_sync_time"]?.stringValue ?? "",
                (ready?["message"]?.stringValue ?? "").replacingOccurrences(of: "\n", with: " "),
            ])
        }
        let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in index < widths.count ? cell + String(repeating: " ", count: widths[index] - cell.count + 2) : cell }.joined()
        }.joined(separator: "\n") + "\n"
    }

    static func readyCondition(_ status: Value?) -> Value? {
        status?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }
    }
}

import FabricValue

/// Renders a plan for people (`fabricsync diff`) and for programs (`-o json`).
///
/// Text, in the spirit of `kubectl diff`:
///
///     + create wiring.githedgehog.com/v1beta1 Switch default/leaf-01
///     ~ update wiring.githedgehog.com/v1beta1 Switch default/leaf-02
///       spec.asn: 65101 → 65102
///       spec.tags[2]: (absent) → edge
///     - prune wiring.githedgehog.com/v1beta1 Switch default/leaf-03
///     Plan: 1 to create, 1 to update, 1 to prune, 4 unchanged.
///
/// Unchanged objects only count in the summary line. A string prints bare
/// unless it would read as another type or is blank (then JSON-quoted, so
/// `"65000"` and `65000` stay apart); objects and lists print as compact JSON.
///
/// JSON (`-o json`), keys in this order:
///
///     {"summary": {"create": 1, "update": 1, "prune": 1, "unchanged": 4},
///      "entries": [{"action": "update", "id": "default_leaf-02_wiring.githedgehog.com_Switch",
///                   "apiVersion": "...", "kind": "Switch", "namespace": "default", "name": "leaf-02",
///                   "changes": [{"path": "spec.asn", "old": 65101, "new": 65102}]}]}
///
/// Every entry is listed, unchanged ones included; `namespace` is `""` for
/// cluster-scoped objects; `changes` is present only on updates; a change
/// has no `old` for an addition and no `new` for a removal.
public enum PlanPrinter {
    public static func text(_ plan: Plan) -> String {
        var out = ""
        for entry in plan.entries {
            switch entry.action {
            case .unchanged: continue
            case .create: out += "+ create " + entry.id.description + "\n"
            case .prune: out += "- prune " + entry.id.description + "\n"
            case .update:
                out += "~ update " + entry.id.description + "\n"
                for change in entry.changes {
                    out += "  " + change.path + ": " + render(change.old) + " → " + render(change.new) + "\n"
                }
            }
        }
        out += "Plan: \(plan.count(of: .create)) to create, \(plan.count(of: .update)) to update, "
            + "\(plan.count(of: .prune)) to prune, \(plan.count(of: .unchanged)) unchanged.\n"
        return out
    }

    public static func json(_ plan: Plan) -> String {
        JSONWriter.string(jsonValue(plan), pretty: true) + "\n"
    }

    /// The value `json(_:)` writes, for callers that embed a plan in a larger document.
    public static func jsonValue(_ plan: Plan) -> Value {
        var summary = Object()
        for action in [PlanAction.create, .update, .prune, .unchanged] {
            summary[action.rawValue] = .int(Int64(plan.count(of: action)))
        }
        let entries: [Value] = plan.entries.map { entry in
            var item = Object()
            item["action"] = .string(entry.action.rawValue)
            item["id"] = .string(entry.id.inventoryID)
            item["apiVersion"] = .string(entry.id.apiVersion)
            item["kind"] = .string(entry.id.kind)
            item["namespace"] = .string(entry.id.namespace)
            item["name"] = .string(entry.id.name)
            if entry.action == .update {
                item["changes"] = .array(entry.changes.map { change in
                    var c = Object()
                    c["path"] = .string(change.path)
                    if let old = change.old { c["old"] = old }
                    if let new = change.new { c["new"] = new }
                    return .object(c)
                })
            }
            return .object(item)
        }
        return .object(Object([("summary", .object(summary)), ("entries", .array(entries))]))
    }

    /// How one side of a change reads in text.
    public static func render(_ value: Value?) -> String {
        guard let value else { return "(absent)" }
        guard case .string(let text) = value else { return JSONWriter.string(value) }
        return readsAsString(text) ? text : JSONWriter.string(value)
    }

    /// Whether `text` printed bare could only be taken for this string.
    private static func readsAsString(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if first == " " || last == " " || first == "\"" || first == "{" || first == "[" || text == "(absent)" { return false }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return false }
        if ["true", "false", "null"].contains(text) { return false }
        if (try? JSONReader.parse(text)) != nil { return false }  // deliberate: a parse failure just means "not a JSON literal"
        return true
    }
}

import FabricValue

/// Positions of the nodes of one document.
///
/// Stored flat and cheap: one entry per node in pre-order (the order the
/// decoded value's objects keep their keys and arrays their items), each
/// with the size of its subtree so a lookup skips siblings without a
/// dictionary. An alias is one entry pointing at its anchor's entries, so an
/// alias never copies marks. Lookups walk the decoded value beside the table.
public struct MarkTable: Sendable {
    /// 20 bytes a node.
    struct Entry: Sendable {
        /// The node's own position (1-based).
        var line: Int32
        var column: Int32
        /// Where its key is written when the node is a mapping value; else its own position.
        var keyLine: Int32
        var keyColumn: Int32
        /// Entries in the subtree, this one included; for an alias (always one
        /// entry) `-1 - i`, where `i` indexes the anchor's entries in `anchors`.
        private var sizeOrAlias: Int32

        init(line: Int32, column: Int32, keyLine: Int32, keyColumn: Int32, size: Int32 = 1, alias: Int32? = nil) {
            self.line = line
            self.column = column
            self.keyLine = keyLine
            self.keyColumn = keyColumn
            self.sizeOrAlias = alias.map { -1 - $0 } ?? size
        }

        /// Entries to skip to reach the next sibling.
        var size: Int {
            get { sizeOrAlias < 0 ? 1 : Int(sizeOrAlias) }
            set { sizeOrAlias = Int32(newValue) }
        }

        var alias: Int? { sizeOrAlias < 0 ? Int(-1 - sizeOrAlias) : nil }
    }

    var file: String = ""
    var entries: [Entry] = []
    /// The entries of each anchored node, as copied when the anchor closed.
    var anchors: [[Entry]] = []
    /// Marks recorded by hand through `record(_:for:)`; they take precedence.
    private var recorded: [FieldPath: SourceMark] = [:]

    public init() {}

    init(file: String) { self.file = file }

    public mutating func record(_ mark: SourceMark, for path: FieldPath) { recorded[path] = mark }

    /// The mark recorded by hand for `path` or its nearest recorded ancestor.
    public func mark(for path: FieldPath) -> SourceMark? {
        var current: FieldPath? = path
        while let candidate = current {
            if let mark = recorded[candidate] { return mark }
            current = candidate.parent
        }
        return nil
    }

    /// Where the value at `path` is written, or its nearest written ancestor.
    func valueMark(for path: FieldPath, in value: Value) -> SourceMark? {
        if !recorded.isEmpty, let mark = mark(for: path) { return mark }
        guard let entry = locate(path, in: value) else { return nil }
        return SourceMark(file: file, line: Int(entry.line), column: Int(entry.column))
    }

    /// Where the key of the member at `path` is written (for array items and
    /// the root, where the value is), or the nearest written ancestor's.
    func keyMark(for path: FieldPath, in value: Value) -> SourceMark? {
        if !recorded.isEmpty, let mark = mark(for: path) { return mark }
        guard let entry = locate(path, in: value) else { return nil }
        return SourceMark(file: file, line: Int(entry.keyLine), column: Int(entry.keyColumn))
    }

    /// The entry of the deepest node along `path` that exists.
    private func locate(_ path: FieldPath, in value: Value) -> Entry? {
        guard !entries.isEmpty else { return nil }
        var table = entries
        var index = 0
        var found = table[0]
        var current = value
        for component in path.components {
            // An alias's children live in its anchor's entries.
            while let alias = table[index].alias {
                table = anchors[alias]
                index = 0
            }
            let position: Int
            let next: Value
            switch (component, current) {
            case (.key(let key), .object(let object)):
                guard let i = object.keys.firstIndex(of: key), let member = object[key] else { return found }
                position = i
                next = member
            case (.index(let i), .array(let items)):
                guard items.indices.contains(i) else { return found }
                position = i
                next = items[i]
            default:
                return found
            }
            var child = index + 1
            for _ in 0..<position { child += table[child].size }
            guard child < table.count else { return found }
            index = child
            current = next
            found = table[index]
        }
        return found
    }
}

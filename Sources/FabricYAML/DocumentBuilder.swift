import FabricValue

/// Turns libyaml's events for one stream into values and mark tables, one
/// document at a time, with an explicit stack (no recursion, so nesting is
/// bounded by `maximumDepth`, not by the thread's stack).
struct DocumentBuilder {
    typealias Entry = MarkTable.Entry

    struct Position {
        var line: Int32
        var column: Int32
    }

    private struct Frame {
        let isMapping: Bool
        /// Index of the collection's own entry in the table.
        let entry: Int
        let nodesBefore: Int
        let anchor: String?
        var items: [Value] = []
        var object = Object()
        /// The key waiting for its value; nil while a mapping expects a key.
        var key: String?
        var keyIsMerge = false
        var keyPosition = Position(line: 0, column: 0)
        /// `<<` values, applied when the mapping closes so written keys win.
        var merges: [(value: Value, entries: [Entry])] = []

        init(isMapping: Bool, entry: Int, nodesBefore: Int, anchor: String?) {
            self.isMapping = isMapping
            self.entry = entry
            self.nodesBefore = nodesBefore
            self.anchor = anchor
        }
    }

    private struct Anchor {
        let value: Value
        /// Index into the table's `anchors`.
        let marks: Int
        /// Nodes the anchored value expands to, aliases inside it included.
        let nodes: Int
    }

    let file: String
    let limits: YAMLLimits
    /// Nodes produced so far in the stream, aliases counted by what they expand to.
    private var nodeCount = 0
    private var table: MarkTable
    private var stack: [Frame] = []
    private var anchors: [String: Anchor] = [:]
    private var root: Value?
    private var rootPosition: Position?

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
        self.table = MarkTable(file: file)
        stack.reserveCapacity(32)
    }

    func error(_ message: String, at position: Position) -> YAMLError {
        YAMLError(mark: SourceMark(file: file, line: Int(position.line), column: Int(position.column)), message: message)
    }

    var isAtRoot: Bool { stack.isEmpty }

    /// Whether the next node is a mapping key.
    var expectsKey: Bool {
        guard let top = stack.last else { return false }
        return top.isMapping && top.key == nil
    }

    // MARK: events

    mutating func scalar(_ value: Value, anchor: String?, at position: Position) throws(YAMLError) {
        try count(1, at: position)
        let entry = table.entries.count
        appendEntry(at: position, size: 1, alias: -1)
        if let anchor { register(anchor, value: value, from: entry, nodes: 1) }
        try attach(value, entry: entry, at: position)
    }

    /// A scalar in key position: `value` is already typed; `isMerge` for an untagged plain `<<`.
    mutating func key(_ value: Value, isMerge: Bool, anchor: String?, at position: Position) throws(YAMLError) {
        let key: String
        switch value {
        case .string(let s): key = s
        case .int(let i): key = String(i)
        case .bool(let b): key = b ? "true" : "false"
        case .double(let d): key = GoFloatKey.format(d)
        case .null: throw error("unsupported map key of type null", at: position)
        case .array, .object: throw error("mapping keys must be scalars", at: position)
        }
        if let anchor {
            // A key's anchor has no place in the table; its marks are its own.
            table.anchors.append([Entry(line: position.line, column: position.column, keyLine: position.line, keyColumn: position.column, size: 1, alias: -1)])
            anchors[anchor] = Anchor(value: value, marks: table.anchors.count - 1, nodes: 1)
        }
        let top = stack.count - 1
        if !isMerge, stack[top].object.contains(key) {
            var message = "mapping key \"\(key)\" already defined"
            if let first = firstKeyPosition(of: key, in: stack[top]) { message += " at line \(first.line)" }
            throw error(message, at: position)
        }
        stack[top].key = key
        stack[top].keyIsMerge = isMerge
        stack[top].keyPosition = position
    }

    mutating func alias(_ name: String, at position: Position) throws(YAMLError) {
        guard let anchor = anchors[name] else {
            if stack.contains(where: { $0.anchor == name }) {
                throw error("anchor '\(name)' value contains itself", at: position)
            }
            throw error("unknown anchor '\(name)' referenced", at: position)
        }
        if expectsKey {
            try key(anchor.value, isMerge: false, anchor: nil, at: position)
            return
        }
        try count(anchor.nodes, at: position)
        let entry = table.entries.count
        appendEntry(at: position, size: 1, alias: Int32(anchor.marks))
        try attach(anchor.value, entry: entry, at: position)
    }

    mutating func startCollection(isMapping: Bool, anchor: String?, at position: Position) throws(YAMLError) {
        if expectsKey { throw error("mapping keys must be scalars", at: position) }
        if stack.count >= limits.maximumDepth {
            throw error("nesting deeper than \(limits.maximumDepth) levels", at: position)
        }
        try count(1, at: position)
        let entry = table.entries.count
        appendEntry(at: position, size: 1, alias: -1)
        stack.append(Frame(isMapping: isMapping, entry: entry, nodesBefore: nodeCount - 1, anchor: anchor))
    }

    mutating func endCollection() throws(YAMLError) {
        var frame = stack.removeLast()
        let value: Value
        if frame.isMapping {
            for merge in frame.merges { applyMerge(merge.value, entries: merge.entries, into: &frame.object) }
            value = .object(frame.object)
        } else {
            value = .array(frame.items)
        }
        table.entries[frame.entry].size = Int32(table.entries.count - frame.entry)
        if let anchor = frame.anchor {
            register(anchor, value: value, from: frame.entry, nodes: nodeCount - frame.nodesBefore)
        }
        let entry = table.entries[frame.entry]
        try attach(value, entry: frame.entry, at: Position(line: entry.line, column: entry.column))
    }

    /// Hands back the finished document and resets for the next one.
    mutating func finishDocument(index: Int, documentStart: Position) -> YAMLDocument {
        let start = rootPosition ?? documentStart
        let document = YAMLDocument(
            file: file, index: index, value: root ?? .null,
            start: SourceMark(file: file, line: Int(start.line), column: Int(start.column)),
            marks: table)
        table = MarkTable(file: file)
        anchors = [:]
        root = nil
        rootPosition = nil
        return document
    }

    // MARK: internals

    private mutating func count(_ nodes: Int, at position: Position) throws(YAMLError) {
        nodeCount += nodes
        if nodeCount > limits.maximumNodes {
            throw error(
                "document expands to more than \(limits.maximumNodes) nodes (alias expansion counted); refusing to build it",
                at: position)
        }
    }

    @inline(__always)
    private mutating func appendEntry(at position: Position, size: Int32, alias: Int32) {
        var keyPosition = position
        if let top = stack.last, top.isMapping { keyPosition = top.keyPosition }
        table.entries.append(Entry(
            line: position.line, column: position.column,
            keyLine: keyPosition.line, keyColumn: keyPosition.column, size: size, alias: alias))
    }

    private mutating func register(_ name: String, value: Value, from entry: Int, nodes: Int) {
        table.anchors.append(Array(table.entries[entry...]))
        anchors[name] = Anchor(value: value, marks: table.anchors.count - 1, nodes: nodes)
    }

    private mutating func attach(_ value: Value, entry: Int, at position: Position) throws(YAMLError) {
        let top = stack.count - 1
        guard top >= 0 else {
            root = value
            rootPosition = position
            return
        }
        if !stack[top].isMapping {
            stack[top].items.append(value)
            return
        }
        guard let key = stack[top].key else {
            throw error("mapping keys must be scalars", at: position)
        }
        if stack[top].keyIsMerge {
            guard Self.isMergeable(value) else {
                throw error("map merge requires map or sequence of maps as the value", at: position)
            }
            stack[top].merges.append((value, Array(table.entries[entry...])))
            table.entries.removeSubrange(entry...)
        } else {
            stack[top].object[key] = value
        }
        stack[top].key = nil
        stack[top].keyIsMerge = false
    }

    private static func isMergeable(_ value: Value) -> Bool {
        switch value {
        case .object: return true
        case .array(let items): return items.allSatisfy { $0.objectValue != nil }
        default: return false
        }
    }

    /// Adds the merged members that no written key (or earlier merge) set,
    /// appending their entries so the table keeps the object's key order.
    private mutating func applyMerge(_ value: Value, entries: [Entry], into object: inout Object) {
        let (source, root) = resolve(entries, 0)
        switch value {
        case .object(let merged):
            mergeMembers(of: merged, entries: source, root: root, into: &object)
        case .array(let items):
            var child = root + 1
            for item in items {
                if case .object(let merged) = item {
                    let (itemEntries, itemRoot) = resolve(source, child)
                    mergeMembers(of: merged, entries: itemEntries, root: itemRoot, into: &object)
                }
                child += Int(source[child].size)
            }
        default:
            break
        }
    }

    private mutating func mergeMembers(of merged: Object, entries: [Entry], root: Int, into object: inout Object) {
        var child = root + 1
        for (key, member) in merged {
            let size = Int(entries[child].size)
            if !object.contains(key) {
                object[key] = member
                table.entries.append(contentsOf: entries[child..<child + size])
            }
            child += size
        }
    }

    /// Follows alias entries to the entries that hold the node's children.
    private func resolve(_ entries: [Entry], _ index: Int) -> ([Entry], Int) {
        var entries = entries
        var index = index
        while entries[index].alias >= 0 {
            entries = table.anchors[Int(entries[index].alias)]
            index = 0
        }
        return (entries, index)
    }

    private func firstKeyPosition(of key: String, in frame: Frame) -> Position? {
        guard let position = frame.object.keys.firstIndex(of: key) else { return nil }
        var child = frame.entry + 1
        for _ in 0..<position { child += Int(table.entries[child].size) }
        guard child < table.entries.count else { return nil }
        return Position(line: table.entries[child].keyLine, column: table.entries[child].keyColumn)
    }
}

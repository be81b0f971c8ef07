import FabricValue

/// Turns libyaml's events for one stream into values and mark tables, one
/// document at a time, with an explicit stack (no recursion, so nesting is
/// bounded by `maximumDepth`, not by the thread's stack).
///
/// Built for speed on large streams: the members of every open collection
/// wait on two shared stacks (`pendingKeys`, `pendingValues`) and become an
/// array or object in one step when the collection closes, and the state of
/// the innermost collection lives in plain stored properties.
struct DocumentBuilder: ~Copyable {
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
        let valuesStart: Int
        let keysStart: Int
        let mergesStart: Int
        /// The innermost-collection state saved while a child collection is open.
        var keyIsMerge = false
        var keyPosition = Position(line: 0, column: 0)
        /// Keys seen so far, once a mapping is too large for a linear duplicate scan.
        var keySet: Set<String>?
        /// Levels of collections in this one so far, itself included.
        var height = 1
    }

    private struct Anchor {
        let value: Value
        /// Index into the table's `anchors`.
        let marks: Int
        /// Nodes the anchored value expands to, aliases inside it included.
        let nodes: Int
        /// Levels of collections in the anchored value (0 for a scalar).
        let height: Int
    }

    /// A `<<` value waiting for its mapping to close, so written keys win.
    private struct Merge {
        let value: Value
        let entries: [Entry]
    }

    let file: String
    let limits: YAMLLimits
    /// Nodes produced so far in the stream, aliases counted by what they expand to.
    private var nodeCount = 0
    /// Marks copied for anchors so far in the stream.
    private var anchoredMarks = 0
    private var table: MarkTable
    private var frames: [Frame] = []
    private var pendingKeys = PendingStack<String>()
    /// A cheap fingerprint of each pending key, so the duplicate scan rarely compares strings.
    private var pendingKeyPrints = PendingStack<UInt64>()
    private var pendingValues = PendingStack<Value>()
    private var pendingMerges: [Merge] = []
    private var anchors: [String: Anchor] = [:]
    private var root: Value?
    private var rootPosition: Position?

    // The innermost collection's state (mirrors of `frames.last`).
    private var inMapping = false
    /// In a mapping: whether the next node is a key.
    private(set) var expectsKey = false
    private var keyIsMerge = false
    private var keyPosition = Position(line: 0, column: 0)

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
        self.table = MarkTable(file: file)
        frames.reserveCapacity(32)
    }

    func error(_ message: String, at position: Position) -> YAMLError {
        YAMLError(mark: SourceMark(file: file, line: Int(position.line), column: Int(position.column)), message: message)
    }

    var isAtRoot: Bool { frames.isEmpty }

    // MARK: events

    mutating func scalar(_ value: Value, anchor: String?, at position: Position) throws(YAMLError) {
        try count(1, at: position)
        let entry = table.entries.count
        appendEntry(at: position, alias: nil)
        if let anchor { try register(anchor, value: value, from: entry, nodes: 1, height: 0, at: position) }
        attach(value, entry: entry, at: position)
        if !merging { return }
        try stashMerge(value, entry: entry, at: position)
    }

    /// A scalar in key position: `value` is already typed; `isMerge` for an untagged plain `<<`.
    /// `fingerprint`: the key's `KeyFingerprint` when the reader has it from the bytes.
    mutating func key(_ value: Value, fingerprint: UInt64? = nil, isMerge: Bool, anchor: String?, at position: Position) throws(YAMLError) {
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
            table.anchors.append([Entry(line: position.line, column: position.column, keyLine: position.line, keyColumn: position.column)])
            anchors[anchor] = Anchor(value: value, marks: table.anchors.count - 1, nodes: 1, height: 0)
        }
        if !isMerge {
            let print = fingerprint ?? KeyFingerprint.of(key)
            try checkUnique(key, print: print, at: position)
            pendingKeys.push(key)
            pendingKeyPrints.push(print)
        }
        keyIsMerge = isMerge
        keyPosition = position
        expectsKey = false
    }

    mutating func alias(_ name: String, at position: Position) throws(YAMLError) {
        guard let anchor = anchors[name] else {
            if frames.contains(where: { $0.anchor == name }) {
                throw error("anchor '\(name)' value contains itself", at: position)
            }
            throw error("unknown anchor '\(name)' referenced", at: position)
        }
        if expectsKey {
            try key(anchor.value, isMerge: false, anchor: nil, at: position)
            return
        }
        try count(anchor.nodes, at: position)
        // An alias puts its anchor's whole depth where it stands.
        if frames.count + anchor.height > limits.maximumDepth {
            throw error("alias nests deeper than \(limits.maximumDepth) levels", at: position)
        }
        if anchor.height > 0 { raiseHeight(to: anchor.height + 1) }
        let entry = table.entries.count
        appendEntry(at: position, alias: Int32(anchor.marks))
        attach(anchor.value, entry: entry, at: position)
        if merging { try stashMerge(anchor.value, entry: entry, at: position) }
    }

    mutating func startCollection(isMapping: Bool, anchor: String?, at position: Position) throws(YAMLError) {
        if expectsKey { throw error("mapping keys must be scalars", at: position) }
        if frames.count >= limits.maximumDepth {
            throw error("nesting deeper than \(limits.maximumDepth) levels", at: position)
        }
        try count(1, at: position)
        let entry = table.entries.count
        appendEntry(at: position, alias: nil)
        if !frames.isEmpty {
            frames[frames.count - 1].keyIsMerge = keyIsMerge
            frames[frames.count - 1].keyPosition = keyPosition
        }
        frames.append(Frame(
            isMapping: isMapping, entry: entry, nodesBefore: nodeCount - 1, anchor: anchor,
            valuesStart: pendingValues.count, keysStart: pendingKeys.count, mergesStart: pendingMerges.count))
        inMapping = isMapping
        expectsKey = isMapping
        keyIsMerge = false
    }

    mutating func endCollection() throws(YAMLError) {
        let frame = frames.removeLast()
        let value: Value
        if frame.isMapping {
            // Keys were checked for duplicates as they came.
            pendingKeyPrints.removeAll(from: frame.keysStart)
            var object = Object(
                uniqueKeys: pendingKeys.popArray(from: frame.keysStart),
                values: pendingValues.popArray(from: frame.valuesStart))
            if pendingMerges.count > frame.mergesStart {
                for merge in pendingMerges[frame.mergesStart...] {
                    applyMerge(merge.value, entries: merge.entries, into: &object)
                }
                pendingMerges.removeLast(pendingMerges.count - frame.mergesStart)
            }
            value = .object(object)
        } else {
            value = .array(pendingValues.popArray(from: frame.valuesStart))
        }
        table.entries[frame.entry].size = table.entries.count - frame.entry
        if let anchor = frame.anchor {
            let entry = table.entries[frame.entry]
            try register(
                anchor, value: value, from: frame.entry, nodes: nodeCount - frame.nodesBefore, height: frame.height,
                at: Position(line: entry.line, column: entry.column))
        }
        // Back to the parent's state; `attach` says whether a key comes next.
        expectsKey = false
        if let parent = frames.last {
            inMapping = parent.isMapping
            keyIsMerge = parent.keyIsMerge
            keyPosition = parent.keyPosition
        } else {
            inMapping = false
            keyIsMerge = false
        }
        raiseHeight(to: frame.height + 1)
        let entry = table.entries[frame.entry]
        let position = Position(line: entry.line, column: entry.column)
        attach(value, entry: frame.entry, at: position)
        if merging { try stashMerge(value, entry: frame.entry, at: position) }
    }

    /// Hands back the finished document and resets for the next one.
    mutating func finishDocument(index: Int, documentStart: Position) -> YAMLDocument {
        let start = rootPosition ?? documentStart
        // The table's buffer is kept for the next document; the document gets an exact copy.
        var marks = MarkTable(file: file)
        marks.entries = Array(table.entries)
        marks.anchors = table.anchors
        let document = YAMLDocument(
            file: file, index: index, value: root ?? .null,
            start: SourceMark(file: file, line: Int(start.line), column: Int(start.column)),
            marks: marks)
        table.entries.removeAll(keepingCapacity: true)
        table.anchors = []
        anchors = [:]
        root = nil
        rootPosition = nil
        return document
    }

    // MARK: internals

    @inline(__always)
    private mutating func count(_ nodes: Int, at position: Position) throws(YAMLError) {
        nodeCount += nodes
        if nodeCount > limits.maximumNodes {
            throw error(
                "document expands to more than \(limits.maximumNodes) nodes (alias expansion counted); refusing to build it",
                at: position)
        }
    }

    @inline(__always)
    private mutating func appendEntry(at position: Position, alias: Int32?) {
        let key = inMapping ? keyPosition : position
        table.entries.append(Entry(
            line: position.line, column: position.column,
            keyLine: key.line, keyColumn: key.column, alias: alias))
    }

    /// Keeps the anchored node's marks for its aliases. Nested anchors copy
    /// overlapping marks, so the copies have a budget of their own.
    private mutating func register(
        _ name: String, value: Value, from entry: Int, nodes: Int, height: Int, at position: Position
    ) throws(YAMLError) {
        anchoredMarks += table.entries.count - entry
        if anchoredMarks > limits.maximumNodes {
            throw error("anchored nodes add up to more than \(limits.maximumNodes) (nested anchors counted); refusing to build it", at: position)
        }
        table.anchors.append(Array(table.entries[entry...]))
        anchors[name] = Anchor(value: value, marks: table.anchors.count - 1, nodes: nodes, height: height)
    }

    /// Whether the value just attached belongs to a `<<` key.
    private var merging: Bool { inMapping && keyIsMerge }

    @inline(__always)
    /// Records that the innermost open collection holds `height` levels.
    private mutating func raiseHeight(to height: Int) {
        guard !frames.isEmpty else { return }
        let top = frames.count - 1
        if frames[top].height < height { frames[top].height = height }
    }

    private mutating func attach(_ value: Value, entry: Int, at position: Position) {
        if frames.isEmpty {
            root = value
            rootPosition = position
        } else if !inMapping {
            pendingValues.push(value)
        } else {
            if !keyIsMerge { pendingValues.push(value) }
            expectsKey = true
        }
    }

    /// Sets a `<<` value aside (with its entries, out of the table) until its mapping closes.
    private mutating func stashMerge(_ value: Value, entry: Int, at position: Position) throws(YAMLError) {
        guard Self.isMergeable(value) else {
            throw error("map merge requires map or sequence of maps as the value", at: position)
        }
        pendingMerges.append(Merge(value: value, entries: Array(table.entries[entry...])))
        table.entries.removeSubrange(entry...)
        keyIsMerge = false
    }

    private static func isMergeable(_ value: Value) -> Bool {
        switch value {
        case .object: return true
        case .array(let items): return items.allSatisfy { $0.objectValue != nil }
        default: return false
        }
    }

    private mutating func checkUnique(_ key: String, print: UInt64, at position: Position) throws(YAMLError) {
        let top = frames.count - 1
        let start = frames[top].keysStart
        let written = pendingKeys.count - start
        var duplicate: Int?
        if written < 32 {
            for i in start..<pendingKeys.count where pendingKeyPrints[i] == print && pendingKeys[i] == key {
                duplicate = i - start
                break
            }
        } else {
            if frames[top].keySet == nil {
                var seen = Set<String>(minimumCapacity: 64)
                for i in start..<pendingKeys.count { seen.insert(pendingKeys[i]) }
                frames[top].keySet = seen
            }
            if frames[top].keySet!.insert(key).inserted { return }
            for i in start..<pendingKeys.count where pendingKeys[i] == key {
                duplicate = i - start
                break
            }
        }
        guard let duplicate else { return }
        var message = "mapping key \"\(key)\" already defined"
        if let first = keyPosition(ofMember: duplicate, in: frames[top]) { message += " at line \(first.line)" }
        throw error(message, at: position)
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
                child += source[child].size
            }
        default:
            break
        }
    }

    private mutating func mergeMembers(of merged: Object, entries: [Entry], root: Int, into object: inout Object) {
        var child = root + 1
        for (key, member) in merged {
            let size = entries[child].size
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
        while let alias = entries[index].alias {
            entries = table.anchors[alias]
            index = 0
        }
        return (entries, index)
    }

    /// Where the `member`-th written key of `frame` is (merged members come later).
    private func keyPosition(ofMember member: Int, in frame: Frame) -> Position? {
        var child = frame.entry + 1
        for _ in 0..<member { child += table.entries[child].size }
        guard child < table.entries.count else { return nil }
        return Position(line: table.entries[child].keyLine, column: table.entries[child].keyColumn)
    }
}

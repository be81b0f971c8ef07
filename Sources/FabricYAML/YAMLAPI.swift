import FabricValue

// The public contract of the YAML module. Other modules code against these
// declarations; the implementation behind them lives in this module's other files.

/// One document of a YAML stream, decoded with kubectl's typing rules, with
/// the position of every node kept so errors can name `file:line:column`.
public struct YAMLDocument: Sendable {
    /// The file as given relative to the source root.
    public let file: String
    /// 0-based position of the document in its stream.
    public let index: Int
    /// The decoded value; `.null` for an empty document.
    public let value: Value
    /// Where the document's content starts.
    public let start: SourceMark
    let marks: MarkTable

    public init(file: String, index: Int, value: Value, start: SourceMark, marks: MarkTable) {
        self.file = file
        self.index = index
        self.value = value
        self.start = start
        self.marks = marks
    }

    /// The position of the node at `path` (its value, or for a key that was
    /// never written, its nearest written ancestor). Always answers.
    public func mark(for path: FieldPath) -> SourceMark { marks.valueMark(for: path, in: value) ?? start }

    /// Where the key of the member at `path` is written (`asn:` rather than
    /// its value); for array items and the root, where the value is. Like
    /// `mark(for:)`, falls back to the nearest written ancestor.
    public func keyMark(for path: FieldPath) -> SourceMark { marks.keyMark(for: path, in: value) ?? start }
}

/// The thrown error of reading YAML: a message with its position.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var mark: SourceMark
    public var message: String

    public init(mark: SourceMark, message: String) {
        self.mark = mark
        self.message = message
    }

    /// `dc1/switches.yaml:3:1: found character that cannot start any token`
    public var description: String { "\(mark): \(message)" }
}

/// Bounds that keep hostile input from exhausting memory or stack.
public struct YAMLLimits: Sendable, Equatable {
    /// Refused before parsing (the CLI's `--max-file-size`).
    public var maximumBytes: Int
    /// Nesting of collections.
    public var maximumDepth: Int
    /// Total nodes produced, aliases counted by what they expand to
    /// ("billion laughs" is refused once this is crossed, before expanding further).
    public var maximumNodes: Int

    public init(maximumBytes: Int = 16 << 20, maximumDepth: Int = 256, maximumNodes: Int = 5_000_000) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
    }

    public static let `default` = YAMLLimits()
}

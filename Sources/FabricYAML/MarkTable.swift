import FabricValue

/// Positions of the nodes of one document, by field path. (Stub: the YAML
/// module's issue replaces the storage; the API stays.)
public struct MarkTable: Sendable {
    private var marks: [FieldPath: SourceMark] = [:]

    public init() {}

    public mutating func record(_ mark: SourceMark, for path: FieldPath) { marks[path] = mark }

    /// The mark for `path`, or for its nearest recorded ancestor.
    public func mark(for path: FieldPath) -> SourceMark? {
        var current: FieldPath? = path
        while let candidate = current {
            if let mark = marks[candidate] { return mark }
            current = candidate.parent
        }
        return nil
    }
}

/// Reads YAML streams. (Stub until the YAML module's issue lands.)
public enum YAMLReader {
    public static func documents(in bytes: [UInt8], file: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLDocument] {
        throw YAMLError(mark: SourceMark(file: file, line: 1, column: 1), message: "YAML reading is not implemented yet")
    }
}

/// Writes values as block-style YAML, for printing plans and exports. (Stub.)
public enum YAMLWriter {
    public static func string(_ value: Value) -> String { JSONWriter.string(value, pretty: true) + "\n" }
}

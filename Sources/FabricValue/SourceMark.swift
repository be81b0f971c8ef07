/// Where something was written: a file relative to the source root, and a
/// line and column counted from 1 (as compilers print them).
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `examples/dc1/switches.yaml:12:7`
    public var description: String { "\(file):\(line):\(column)" }
}

/// What `--git-ref` names. A plain name is a branch or a tag, whichever the
/// remote has (a branch wins when both exist); `refs/heads/…` and `refs/tags/…`
/// say which; 40 hexadecimal digits are a commit.
public enum GitReference: Sendable, Equatable {
    case name(String)
    case branch(String)
    case tag(String)
    case commit(String)

    public init(parsing text: String) throws(GitSourceError) {
        if text.count == 40, text.allSatisfy(\.isHexDigit) {
            self = .commit(text.lowercased())
            return
        }
        let reference: GitReference
        if text.hasPrefix("refs/heads/") {
            reference = .branch(String(text.dropFirst("refs/heads/".count)))
        } else if text.hasPrefix("refs/tags/") {
            reference = .tag(String(text.dropFirst("refs/tags/".count)))
        } else {
            reference = .name(text)
        }
        guard let name = reference.shortName, Self.isValidName(name) else {
            throw GitSourceError(.invalidConfiguration, "'\(text)' is not a valid branch, tag or commit")
        }
        self = reference
    }

    /// The name in revision strings: `main` in `main@sha1:…`; nil for a commit.
    public var shortName: String? {
        switch self {
        case .name(let name), .branch(let name), .tag(let name): name
        case .commit: nil
        }
    }

    /// Flux's revision string: `main@sha1:<sha>`, `v1.2.0@sha1:<sha>`, `sha1:<sha>`.
    public func revision(commit: String) -> String {
        if let shortName { "\(shortName)@sha1:\(commit)" } else { "sha1:\(commit)" }
    }

    /// The ref as the user wrote it (a commit in lower case).
    public var given: String {
        switch self {
        case .name(let name): name
        case .branch(let name): "refs/heads/\(name)"
        case .tag(let name): "refs/tags/\(name)"
        case .commit(let sha): sha
        }
    }

    /// The full ref names to look for on the remote, in order of preference.
    var candidates: [String] {
        switch self {
        case .name(let name): ["refs/heads/\(name)", "refs/tags/\(name)"]
        case .branch(let name): ["refs/heads/\(name)"]
        case .tag(let name): ["refs/tags/\(name)"]
        case .commit: []
        }
    }

    /// git's rules for a ref name (`git check-ref-format`), plus: no leading `-`,
    /// so a ref can never be read as an option.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name != "@", !name.hasPrefix("-"), !name.hasPrefix("/"), !name.hasSuffix("/"),
              !name.hasSuffix("."), !name.contains(".."), !name.contains("//"), !name.contains("@{")
        else { return false }
        let forbidden: Set<Character> = [" ", "~", "^", ":", "?", "*", "[", "\\"]
        guard !name.contains(where: { forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false })
        else { return false }
        return name.split(separator: "/").allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
    }
}

/// The subfolder of the repository that holds the fabric files, cleaned up:
/// relative, no `.` or `..` steps, no trailing slash. Empty means the root.
func normalizedSubfolder(_ path: String) throws(GitSourceError) -> String {
    guard !path.hasPrefix("/") else {
        throw GitSourceError(.invalidConfiguration, "the Git path '\(path)' must be relative to the repository root")
    }
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
        guard part != ".." else {
            throw GitSourceError(.invalidConfiguration, "the Git path '\(path)' must stay inside the repository")
        }
        parts.append(part)
    }
    guard !parts.contains(where: { $0.contains(where: { $0.asciiValue.map { $0 < 0x20 } ?? false }) }) else {
        throw GitSourceError(.invalidConfiguration, "the Git path '\(path)' contains control characters")
    }
    return parts.joined(separator: "/")
}

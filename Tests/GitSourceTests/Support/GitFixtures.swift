import Foundation
import GitSource
import XCTest

/// A folder under the system temporary folder, deleted by `remove()`.
final class TemporaryFolder: @unchecked Sendable {
    let path: String

    init(_ label: String = "gitsource") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.standardizedFileURL.path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path) // deliberate: a leftover temp folder must not fail a test
    }

    func write(_ relativePath: String, _ text: String, mode: Int? = nil) throws -> String {
        let file = "\(path)/\(relativePath)"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file) }
        return file
    }
}

/// Runs git for the test itself (making repositories and commits), failing on a non-zero exit.
@discardableResult
func git(_ arguments: [String], in directory: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let runner = ProcessGitRunner(baseEnvironment: GitEnvironment.isolated())
    let output = try runner.runBlocking(GitInvocation(arguments, directory: directory, timeout: .seconds(60)))
    guard output.succeeded else {
        throw FixtureError("git \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.standardError)")
    }
    return output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A bare repository served by `file://`, and a clone of it the test commits in.
final class TestRemote: @unchecked Sendable {
    let folder: TemporaryFolder
    let bare: String
    let work: String
    var url: String { "file://\(bare)" }

    init() throws {
        folder = try TemporaryFolder("remote")
        bare = folder.path + "/remote.git"
        work = folder.path + "/work"
        try git(["init", "--quiet", "--bare", "--initial-branch=main", bare])
        try git(["init", "--quiet", "--initial-branch=main", work])
    }

    /// Writes the files (nil deletes one), commits on the current branch, and returns the commit.
    @discardableResult
    func commit(_ files: [String: String?], message: String = "change") throws -> String {
        for (name, text) in files {
            let path = "\(work)/\(name)"
            if let text {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } else {
                try FileManager.default.removeItem(atPath: path)
            }
        }
        try git(["add", "--all"], in: work)
        try git(["-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "--allow-empty", "-m", message], in: work)
        return try git(["rev-parse", "HEAD"], in: work)
    }

    func push(_ refs: String..., force: Bool = false) throws {
        try git(["push", "--quiet"] + (force ? ["--force"] : []) + [bare] + refs, in: work)
    }

    func tag(_ name: String, annotated: Bool = false) throws {
        let arguments = annotated ? ["-a", name, "-m", "release \(name)"] : [name]
        try git(["-c", "user.name=Test", "-c", "user.email=test@example.com", "tag"] + arguments, in: work)
    }

    func remove() { folder.remove() }
}

/// A fabric-like YAML file, so checkouts look like what the controller reads.
func switchYAML(_ name: String, asn: Int = 65101) -> String {
    """
    apiVersion: wiring.githedgehog.com/v1beta1
    kind: Switch
    metadata:
      name: \(name)
      namespace: default
    spec:
      role: server-leaf
      asn: \(asn)
      ip: 172.30.10.1/32
      protocolIP: 172.30.11.1/32
      vtepIP: 172.30.12.1/32
      boot:
        mac: 0c:20:12:fe:00:01

    """
}

func contents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

/// Every regular file under a folder (relative paths), `.git` left out.
func fileList(_ folder: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
    var files: [String] = []
    while let next = walker.nextObject() as? String {
        if next == ".git" || next.hasPrefix(".git/") { continue }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "\(folder)/\(next)", isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(next)
        }
    }
    return files.sorted()
}

/// Calls `sync()` expecting a failure, and returns it.
func syncFailure(_ source: GitRepositorySource, file: StaticString = #filePath, line: UInt = #line) async -> GitSourceError? {
    do {
        let checkout = try await source.sync()
        XCTFail("sync succeeded with \(checkout.revision); a failure was expected", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

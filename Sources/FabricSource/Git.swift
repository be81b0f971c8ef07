import ChildProcess
import Foundation

/// How `git` is run: a tiny seam so the revision logic can be tested against
/// a scripted stand-in as well as a real repository.
public protocol GitRunning: Sendable {
    /// Runs `git <arguments>` in `directory`; returns standard output, or
    /// throws when git cannot start or exits non-zero.
    func run(_ arguments: [String], in directory: String) throws(GitError) -> String
}

public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32
    public var message: String

    public init(arguments: [String], status: Int32, message: String) {
        self.arguments = arguments
        self.status = status
        self.message = message
    }

    public var description: String { "git \(arguments.joined(separator: " ")) failed (\(status)): \(message)" }
}

/// Runs the `git` found on `PATH` as a program, arguments as an array (no
/// shell), never prompting, and without taking the index lock for reads.
public struct SystemGit: GitRunning {
    public init() {}

    public func run(_ arguments: [String], in directory: String) throws(GitError) -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        environment["LC_ALL"] = "C"
        let result: (status: Int32, output: [UInt8], errors: [UInt8])
        do {
            result = try ChildProcess.run("git", arguments, environment: environment, directory: directory)
        } catch {
            throw GitError(arguments: arguments, status: -1, message: "cannot start git: \(error)")
        }
        guard result.status == 0 else {
            let message = String(decoding: result.errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError(arguments: arguments, status: result.status, message: message)
        }
        return String(decoding: result.output, as: UTF8.self)
    }
}

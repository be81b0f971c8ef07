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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw GitError(arguments: arguments, status: -1, message: "cannot start git: \(error)")
        }
        // Drain stderr on another thread so a chatty git cannot fill its pipe
        // while stdout is being read here.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let message = String(decoding: stderrBox.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitError(arguments: arguments, status: process.terminationStatus, message: message)
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}

/// Written by one thread, read after `DispatchGroup.wait()` by another: the
/// group orders the accesses.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

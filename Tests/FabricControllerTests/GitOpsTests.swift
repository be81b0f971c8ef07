import FabricController
import FabricSource
import FabricValue
import Foundation
import GitSource
import XCTest

/// A real Git repository (a bare one in a temp folder, reached by file://)
/// as the source: each new commit is applied and named in status; a broken
/// commit stops only its fabric; an unreachable remote keeps what was applied.
final class GitOpsTests: XCTestCase {
    struct Repository {
        let bare: URL
        let work: URL

        init() throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-gitops-\(UUID().uuidString)")
            bare = base.appendingPathComponent("remote.git")
            work = base.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try Self.git(["init", "--bare", "-b", "main", bare.path], in: base)
            try Self.git(["init", "-b", "main"], in: work)
            try Self.git(["remote", "add", "origin", bare.absoluteString], in: work)
        }

        func commit(_ files: [String: String?], message: String) throws -> String {
            for (path, text) in files {
                let url = work.appendingPathComponent(path)
                if let text {
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try text.write(to: url, atomically: true, encoding: .utf8)
                } else {
                    try FileManager.default.removeItem(at: url)
                }
            }
            try Self.git(["add", "-A"], in: work)
            try Self.git(["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message], in: work)
            try Self.git(["push", "-q", "origin", "main"], in: work)
            return try Self.git(["rev-parse", "HEAD"], in: work).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @discardableResult
        static func git(_ arguments: [String], in folder: URL) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            process.currentDirectoryURL = folder
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw SourceUnavailable(message: "git \(arguments) failed") }
            return String(decoding: data, as: UTF8.self)
        }

        func source(cache: URL) throws -> GitSourceProvider {
            let repository = try GitRepositorySource(url: bare.absoluteString, ref: "main", path: "fabrics", cacheDirectory: cache.path)
            return GitSourceProvider(repository: repository, options: SourceOptions(), interval: .milliseconds(200))
        }
    }

    func testEachNewCommitIsAppliedAndNamedInStatus() async throws {
        let repo = try Repository()
        let first = try repo.commit([
            "fabrics/a/fabric.yaml": Fixtures.fabric("a"), "fabrics/a/m.yaml": Fixtures.configMap("a-m", ["v": "1"]),
            "fabrics/b/fabric.yaml": Fixtures.fabric("b"), "fabrics/b/m.yaml": Fixtures.configMap("b-m", ["v": "1"]),
        ], message: "first")
        let cache = repo.work.deletingLastPathComponent().appendingPathComponent("cache")
        let harness = try await ControllerHarness(files: [:], source: try repo.source(cache: cache))
        defer { Task { await harness.shutdown() } }
        try await harness.whileRunning {
            try await harness.eventually("the first commit is applied") {
                try await harness.fabric("a").value(at: "status", "lastAppliedRevision") == .string("main@sha1:\(first)")
            }
            let second = try repo.commit(["fabrics/a/m.yaml": Fixtures.configMap("a-m", ["v": "2"])], message: "second")
            try await harness.eventually("the second commit is applied") {
                try await harness.fabric("a").value(at: "status", "lastAppliedRevision") == .string("main@sha1:\(second)")
            }
            let am = try await harness.object("v1", "ConfigMap", "a-m")
            XCTAssertEqual(am?.value(at: "data", "v"), "2")

            // A commit that breaks b's file: b says where, a goes on, nothing of b's is pruned.
            let third = try repo.commit([
                "fabrics/b/m.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n",
                "fabrics/a/m.yaml": Fixtures.configMap("a-m", ["v": "3"]),
            ], message: "break b")
            try await harness.eventually("a applies the third commit, b fails validation") {
                let a = try await harness.fabric("a"), b = try await harness.fabric("b")
                return a.value(at: "status", "lastAppliedRevision") == .string("main@sha1:\(third)")
                    && Conditions(b["status"]?["conditions"])[ConditionType.ready]?.reason == "ValidationFailed"
            }
            let b = try await harness.fabric("b")
            XCTAssertEqual(b.value(at: "status", "lastAttemptedRevision"), .string("main@sha1:\(third)"))
            XCTAssertEqual(b.value(at: "status", "lastAppliedRevision"), .string("main@sha1:\(first)"))
            XCTAssertTrue(Conditions(b["status"]?["conditions"])[ConditionType.ready]?.message.contains("b/m.yaml:") ?? false)
            let bm = try await harness.object("v1", "ConfigMap", "b-m")
            XCTAssertNotNil(bm)
        }
    }

    func testAnUnreachableRemoteSaysSourceUnavailableAndKeepsWhatWasApplied() async throws {
        let repo = try Repository()
        _ = try repo.commit(["fabrics/a/fabric.yaml": Fixtures.fabric("a"), "fabrics/a/m.yaml": Fixtures.configMap("a-m", ["v": "1"])], message: "first")
        let cache = repo.work.deletingLastPathComponent().appendingPathComponent("cache")
        let harness = try await ControllerHarness(files: [:], source: try repo.source(cache: cache))
        defer { Task { await harness.shutdown() } }
        try await harness.whileRunning {
            try await harness.eventually("applied") { try await harness.fabric("a").value(at: "status", "syncStatus") == "in_sync" }
            try FileManager.default.removeItem(at: repo.bare)
            try await harness.eventually("SourceUnavailable") {
                Conditions(try await harness.fabric("a")["status"]?["conditions"])[ConditionType.ready]?.reason == "SourceUnavailable"
            }
        }
        let am = try await harness.object("v1", "ConfigMap", "a-m")
        XCTAssertNotNil(am, "nothing pruned while the source is unavailable")
    }
}

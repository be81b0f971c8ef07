import Foundation
import XCTest

/// `fabricsync run` serving notifications, read by `fabricsync status` and `fabricsync events`.
final class NotificationServerEndToEndTests: XCTestCase {
    func testStatusShowsEveryFabricReadyAndEventsStreamsAndResumes() throws {
        let run = try RunningFabricsync()
        defer { _ = run.stop() }
        var status = FabricsyncProcess.Result(status: -1, stdout: "", stderr: "")
        let ready = try RunningFabricsync.eventually {
            status = try FabricsyncProcess.run(["status", "--server", run.server])
            return status.status == 0 && status.stdout.split(separator: "\n").count == 4  // the head and three fabrics
        }
        XCTAssertTrue(ready, status.stdout + status.stderr)
        let lines = status.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("NAME") == true && lines.first?.contains("LAST SYNC") == true, status.stdout)
        XCTAssertTrue(status.stdout.contains("hedgehog-system/dc1"), status.stdout)
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains("True") && $0.contains("in_sync") }, status.stdout)

        let events = try FabricsyncProcess.run(["events", "--server", run.server, "--since", "0", "--max-events", "3"], timeout: 60)
        XCTAssertEqual(events.status, 0, events.stderr)
        let streamed = events.stdout.split(separator: "\n").filter { $0.contains("  #") }
        XCTAssertEqual(streamed.map { $0.components(separatedBy: "  ")[1] }, ["#1", "#2", "#3"], events.stdout)
        XCTAssertTrue(streamed[0].contains("sync_started") && streamed[0].contains("trigger=startup"), events.stdout)
    }

    func testAManualSyncArrivesAsSyncStartedOnTheStream() throws {
        let run = try RunningFabricsync()
        defer { _ = run.stop() }
        XCTAssertTrue(try RunningFabricsync.eventually { try run.allReady() })
        let events = Process()
        events.executableURL = FabricsyncProcess.binary
        events.arguments = ["events", "--server", run.server, "--fabric", "hedgehog-system/lab", "--max-events", "3"]  // a stats_update may come first
        let out = Pipe()
        events.standardOutput = out
        events.standardError = FileHandle.nullDevice
        try events.run()
        Thread.sleep(forTimeInterval: 1)
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "\(run.server)/api/v1/fabrics/hedgehog-system/lab/sync"]
        let curlOut = Pipe()
        curl.standardOutput = curlOut
        try curl.run()
        curl.waitUntilExit()
        XCTAssertEqual(String(decoding: curlOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "202")
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        events.waitUntilExit()
        XCTAssertTrue(text.contains("hedgehog-system/lab  sync_started  trigger=manual"), text)
    }

    func testSIGTERMStopsTheServerAndExitsZero() throws {
        let run = try RunningFabricsync()
        XCTAssertTrue(try RunningFabricsync.eventually { try run.allReady() })
        XCTAssertEqual(run.stop(), 0)
    }
}

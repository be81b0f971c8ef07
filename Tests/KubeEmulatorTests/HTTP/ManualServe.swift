import XCTest
@testable import KubeEmulator

final class ManualServe: XCTestCase {
    func testServeWhileFileExists() async throws {
        guard let flag = ProcessInfo.processInfo.environment["EMULATOR_SERVE"] else { return }
        let emulator = try KubeEmulator(configuration: .init(bookmarkInterval: .seconds(2)))
        let url = try await emulator.start()
        try emulator.writeKubeconfig(to: flag + ".kubeconfig")
        print("SERVING \(url)")
        while FileManager.default.fileExists(atPath: flag) { try await Task.sleep(for: .milliseconds(200)) }
        for entry in emulator.requests.all { print("LOG \(entry.verb.rawValue) \(entry.method) \(entry.path) \(entry.status)") }
        await emulator.shutdown()
    }
}

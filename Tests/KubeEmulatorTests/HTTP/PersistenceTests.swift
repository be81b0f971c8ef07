import XCTest
import Foundation
import FabricValue
@testable import KubeEmulator

/// `--state FILE`: the store survives a restart; the file is replaced atomically.
final class PersistenceTests: XCTestCase {
    func testStateSurvivesARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // `try?` in defer: cleanup of a temp folder must not mask the test's result.
        let state = folder.appendingPathComponent("state.json").path

        let first = try KubeEmulator(configuration: .init(stateFile: state))
        _ = try await first.start()
        let store = first.store
        _ = try store.create(store.type("customresourcedefinitions"), namespace: nil, body: fabricCRD, options: writer)
        let created = try store.create(store.type("fabrics"), namespace: "default", body: fabric(), options: writer).object
        let version = store.currentResourceVersion
        await first.shutdown()
        XCTAssertTrue(FileManager.default.fileExists(atPath: state))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "no temporary files are left behind")

        let second = try KubeEmulator(configuration: .init(stateFile: state))
        let url = try await second.start()
        XCTAssertEqual(second.store.currentResourceVersion, version)
        let restored = try second.store.get(second.store.type("fabrics"), namespace: "default", name: "dc1")
        XCTAssertEqual(restored.value(at: "metadata", "uid"), created.value(at: "metadata", "uid"))
        XCTAssertEqual(restored.resourceVersion, created.resourceVersion)
        XCTAssertNoThrow(try second.store.watch(second.store.type("fabrics"), namespace: nil, options: WatchOptions(resourceVersion: String(version))),
                         "the current version resumes fine")
        assertAPIError(try second.store.watch(second.store.type("fabrics"), namespace: nil, options: WatchOptions(resourceVersion: String(version - 1))),
                       code: 410, reason: "Expired")
        let next = try second.store.create(second.store.type("configmaps"), namespace: "default", body: configMap("after"), options: writer).object
        XCTAssertEqual(Int64(next.resourceVersion), version + 1, "versions keep counting from where they were")
        XCTAssertNotNil(url)
        await second.shutdown()
    }

    func testAnUnreadableStateFileIsAnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-state-\(UUID().uuidString).json").path
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // `try?` in defer: cleanup only.
        XCTAssertThrowsError(try KubeEmulator(configuration: .init(stateFile: path)))
    }
}

import Glibc
import HTTPServer
import Synchronization

/// What a handler did and saw, named by the test, for the test to wait on and inspect.
final class Events: Sendable {
    private let seen = Mutex([String: String]())
    func record(_ name: String, _ value: String = "") { seen.withLock { $0[name] = value } }
    func happened(_ name: String) -> Bool { seen.withLock { $0[name] != nil } }
    func value(_ name: String) -> String? { seen.withLock { $0[name] } }
}

/// Fills a connection's queue with `filler` until it refuses more; returns the bytes accepted.
func fillQueue(_ tryWrite: ([UInt8]) -> WriteResult, filler: UInt8 = 0x78) -> Int {
    let chunk = [UInt8](repeating: filler, count: 16 * 1024)
    var accepted = 0
    while case .accepted = tryWrite(chunk) { accepted += chunk.count }
    return accepted
}

/// The upgrade request every test here sends; the protocol name means nothing.
let upgradeRequest = "GET /upgrade HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: raw\r\n\r\n"

/// A router whose `/upgrade` hands the connection to `handler` (and whose other routes answer).
func upgradeRouter(_ handler: @escaping @Sendable (UpgradedConnection) async -> Void) -> Router {
    var router = basicRouter()
    router.get("/upgrade") { _ in .upgrade(headers: ["Upgrade": "raw", "Connection": "Upgrade"], handler: handler) }
    return router
}

/// The bytes after the response head.
func afterHead(_ bytes: [UInt8]) -> [UInt8] {
    let marker: [UInt8] = [13, 10, 13, 10]
    guard bytes.count >= 4 else { return [] }
    for index in 0...(bytes.count - 4) where Array(bytes[index..<(index + 4)]) == marker {
        return Array(bytes[(index + 4)...])
    }
    return []
}

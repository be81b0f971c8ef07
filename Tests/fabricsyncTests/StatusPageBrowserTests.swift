import Foundation
import XCTest

/// The status page in a real browser: headless Chromium driven through its DevTools protocol
/// (by Python's `websockets`) against `fabricsync run --embedded-cluster`.
final class StatusPageBrowserTests: XCTestCase {
    static let chromium = "/usr/bin/chromium"

    /// Loads the page, waits for three `in_sync` badges, screenshots, clicks Sync and waits for
    /// `sync_started` in the feed. Prints one JSON object with what it saw.
    static let driver = #"""
    import asyncio, base64, json, os, re, subprocess, sys, tempfile, time, urllib.request, websockets
    page_url, shot = sys.argv[1], sys.argv[2]
    profile = tempfile.mkdtemp()
    browser = subprocess.Popen([sys.argv[3], "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
                                f"--user-data-dir={profile}", "--window-size=1280,800", "about:blank"],
                               stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.time() + 60
        while port is None and time.time() < deadline:
            line = browser.stderr.readline()
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found: port = int(found.group(1))
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
        target = next(t for t in targets if t["type"] == "page")
        async def main():
            async with websockets.connect(target["webSocketDebuggerUrl"], max_size=None) as ws:
                counter = 0
                async def call(method, **params):
                    nonlocal counter
                    counter += 1
                    await ws.send(json.dumps({"id": counter, "method": method, "params": params}))
                    while True:
                        m = json.loads(await ws.recv())
                        if m.get("id") == counter:
                            return m.get("result", m)
                async def evaluate(expression):
                    r = await call("Runtime.evaluate", expression=expression, returnByValue=True)
                    return r.get("result", {}).get("value")
                async def wait_for(expression, timeout=60):
                    end = time.time() + timeout
                    while time.time() < end:
                        value = await evaluate(expression)
                        if value: return value
                        await asyncio.sleep(0.2)
                    return None
                await call("Page.enable")
                await call("Page.navigate", url=page_url)
                badges = await wait_for("document.querySelectorAll('.badge.sync.in_sync').length >= 3 && document.querySelectorAll('.badge.sync').length")
                connected = await wait_for("document.getElementById('conn').className === 'connected'")
                shotData = await call("Page.captureScreenshot", format="png")
                with open(shot, "wb") as f: f.write(base64.b64decode(shotData["data"]))
                clicked = await evaluate("(function(){var b=document.querySelector('tr[data-fabric=\"hedgehog-system/lab\"] .sync-button'); if(!b) return false; b.click(); return true;})()")
                started = await wait_for("Array.from(document.querySelectorAll('#feed li')).some(function(li){return li.dataset.type==='sync_started' && li.textContent.indexOf('manual')>=0})")
                print(json.dumps({"badges": badges, "connected": connected, "clicked": clicked, "sync_started": started}))
        asyncio.run(main())
    finally:
        browser.kill()
    """#

    func testThePageShowsFabricsInSyncAndASyncClickArrivesInTheFeed() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            throw XCTSkip("Chromium is not installed at \(Self.chromium); the status page browser test needs it")
        }
        let token = "page-test-token"
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try token.write(to: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tokenFile) }  // cleanup only
        let run = try RunningFabricsync(extraArguments: ["--auth-token-file", tokenFile.path])
        defer { _ = run.stop() }
        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("fabricsync-status-page-\(UUID().uuidString).png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.driver, "\(run.server)/?token=\(token)", screenshot.path, Self.chromium]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: outData, as: UTF8.self)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                                   text + String(decoding: errData, as: UTF8.self).suffix(2000))
        XCTAssertEqual(result["badges"] as? Int, 3, text)
        XCTAssertEqual(result["connected"] as? Bool, true, text)
        XCTAssertEqual(result["clicked"] as? Bool, true, text)
        XCTAssertEqual(result["sync_started"] as? Bool, true, text)
        let png = try Data(contentsOf: screenshot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        print("status page screenshot: \(screenshot.path) (\(png.count) bytes)")
    }
}

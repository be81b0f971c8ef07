import Foundation
import HTTPServer

/// `fabricsync-bench http [--duration 10s] [--connections 64] [--threads 2] [--loops 2] [--nginx-workers <loops>] [--rounds 3]`
///
/// A small GET against this server and against Debian's nginx serving a static file of the same
/// bytes, both driven by the same `wrk` command in one run; prints requests/s, p99 and the ratio.
/// nginx gets as many worker processes as the server has event-loop threads unless told otherwise,
/// so both use the same number of cores. The measurements alternate for `--rounds` rounds and
/// the medians are compared, so that a burst of other work on a shared machine hits both sides.
@Sendable func runHTTPBenchmark(_ arguments: [String]) async throws {
    var options = ["--duration": "10s", "--connections": "64", "--threads": "2", "--loops": "2", "--nginx-workers": "", "--rounds": "3"]
    var index = 0
    while index + 1 < arguments.count {
        guard options[arguments[index]] != nil else { throw BenchmarkError("unknown option \(arguments[index])") }
        options[arguments[index]] = arguments[index + 1]
        index += 2
    }
    guard index == arguments.count else { throw BenchmarkError("option \(arguments[index]) needs a value") }
    if options["--nginx-workers"]!.isEmpty { options["--nginx-workers"] = options["--loops"]! }
    let rounds = max(1, Int(options["--rounds"]!) ?? 3)
    let wrk = ["-t", options["--threads"]!, "-c", options["--connections"]!, "-d", options["--duration"]!, "--latency"]
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else { throw BenchmarkError("wrk is not installed (apt-get install wrk)") }

    let body = "hello, fabric\n"
    var router = Router()
    router.add(.GET, "/", inline: { _ in .text(body) })
    router.get("/async") { _ in .text(body) }
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.eventLoopThreads = Int(options["--loops"]!) ?? 2
    let server = HTTPServer(configuration: configuration, router: router)
    let port = try await server.start()
    let nginx: NginxProcess
    do {
        nginx = try NginxProcess(body: body, workers: options["--nginx-workers"]!)
    } catch {
        await server.shutdown(grace: .seconds(1))
        throw error
    }
    defer { nginx.stop() }

    print("wrk \(wrk.joined(separator: " ")); server event loops: \(configuration.eventLoopThreads); "
        + "nginx worker_processes: \(options["--nginx-workers"]!); \(rounds) alternating rounds")
    let targets = [
        ("fabricsync (inline handler)", "http://127.0.0.1:\(port)/"),
        ("fabricsync (async handler)", "http://127.0.0.1:\(port)/async"),
        ("nginx (static file)", "http://127.0.0.1:\(nginx.port)/index.txt"),
    ]
    var results = Array(repeating: [WrkResult](), count: targets.count)
    for round in 1...rounds {
        for (index, target) in targets.enumerated() {
            let result = try await measure(url: target.1, wrk: wrk)
            results[index].append(result)
            print("round \(round): " + result.line(target.0))
        }
    }
    await server.shutdown(grace: .seconds(1))
    let medians = results.map(WrkResult.median)
    print("medians:")
    for (index, target) in targets.enumerated() { print("  " + medians[index].line(target.0)) }
    print(String(format: "ratio fabricsync/nginx requests/s: %.2f (goal >= 0.5); fabricsync p99 %.2f ms (goal < 5 ms); nginx p99 %.2f ms",
                 medians[0].requestsPerSecond / medians[2].requestsPerSecond, medians[0].p99Milliseconds, medians[2].p99Milliseconds))
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private struct WrkResult {
    var requestsPerSecond: Double
    var p99Milliseconds: Double
    var p50Milliseconds: Double
    var errors: String?

    /// Each figure's median over the runs, taken separately.
    static func median(_ runs: [WrkResult]) -> WrkResult {
        func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let errors = runs.compactMap(\.errors)
        return WrkResult(requestsPerSecond: middle(runs.map(\.requestsPerSecond)), p99Milliseconds: middle(runs.map(\.p99Milliseconds)),
                         p50Milliseconds: middle(runs.map(\.p50Milliseconds)), errors: errors.isEmpty ? nil : errors.joined(separator: "; "))
    }

    func line(_ name: String) -> String {
        name.padding(toLength: 30, withPad: " ", startingAt: 0)
            + String(format: " %10.0f req/s   p50 %6.2f ms   p99 %6.2f ms", requestsPerSecond, p50Milliseconds, p99Milliseconds)
            + (errors.map { "   (\($0))" } ?? "")
    }
}

private func measure(url: String, wrk: [String]) async throws -> WrkResult {
    let output = try runProgram("/usr/bin/wrk", wrk + [url])
    guard let result = parseWrk(output) else { throw BenchmarkError("cannot read wrk's output:\n\(output)") }
    return result
}

/// Reads `Requests/sec:` and the `--latency` distribution lines (`50%  1.23ms`, `99%  850.00us`).
private func parseWrk(_ output: String) -> WrkResult? {
    var rps: Double?, p50: Double?, p99: Double?
    var errors: String?
    for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.first == "Requests/sec:", fields.count > 1 { rps = Double(fields[1]) }
        if fields.count == 2, fields[0] == "50%" { p50 = milliseconds(fields[1]) }
        if fields.count == 2, fields[0] == "99%" { p99 = milliseconds(fields[1]) }
        if line.contains("Socket errors") || line.contains("Non-2xx") { errors = line.trimmingCharacters(in: .whitespaces) }
    }
    guard let rps, let p50, let p99 else { return nil }
    return WrkResult(requestsPerSecond: rps, p99Milliseconds: p99, p50Milliseconds: p50, errors: errors)
}

private func milliseconds(_ text: Substring) -> Double? {
    for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
        return Double(text.dropLast(unit.count)).map { $0 * scale }
    }
    return nil
}

private func runProgram(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchmarkError("\(path) exited with \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}

/// Debian's nginx in the foreground on a free loopback port, with a config and files in a temp folder.
private final class NginxProcess {
    let port: Int
    private let process = Process()
    private let directory: URL

    init(body: String, workers: String) throws {
        let nginx = "/usr/sbin/nginx"
        guard FileManager.default.isExecutableFile(atPath: nginx) else { throw BenchmarkError("nginx is not installed (apt-get install nginx)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-nginx-\(UUID().uuidString)")
        let www = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(body.utf8).write(to: www.appendingPathComponent("index.txt"))
        port = try freePort()
        let path = directory.path
        let configuration = """
            worker_processes \(workers);
            daemon off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                keepalive_requests 100000;
                server {
                    listen 127.0.0.1:\(port);
                    root \(www.path);
                }
            }
            """
        let file = directory.appendingPathComponent("nginx.conf")
        try Data(configuration.utf8).write(to: file)
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-c", file.path, "-p", path, "-e", "\(path)/error.log"]
        try process.run()
        // Wait until it answers, at most 5 s.
        for _ in 0..<100 {
            if (try? runProgram("/usr/bin/curl", ["-sf", "-o", "/dev/null", "http://127.0.0.1:\(port)/index.txt"])) != nil { return }
            usleep(50_000)
        }
        stop()
        throw BenchmarkError("nginx did not start; see \(path)/error.log")
    }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
        // Only a temp folder is left behind if this fails.
        try? FileManager.default.removeItem(at: directory)
    }
}

private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BenchmarkError("cannot find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

import Foundation

/// A real HTTPS server on loopback: python3's http.server wrapped by its ssl
/// module, launched as a separate process. It answers
///   GET  /hello   → 200, JSON naming the client certificate's CN and the client's port
///   POST|PUT|PATCH|DELETE /echo → 200, JSON with the method, Authorization header and body
///   GET  /stream  → 200, five lines written 100 ms apart (chunked), then the end
///   GET  /forever → 200, a line every 100 ms until the client goes away
///   GET  /status/N → status N with a small JSON body and `Retry-After: 3`
///   GET  /silent  → 200 and its headers, then nothing for a minute
final class PythonHTTPSServer: @unchecked Sendable {
    let port: Int
    private let process: Process

    var baseURL: String { "https://127.0.0.1:\(port)" }

    init(certificate: URL, key: URL, clientCA: URL?, plainHTTP: Bool = false) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, certificate.path, key.path, clientCA?.path ?? "-", plainHTTP ? "plain" : "tls"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let chunk = output.fileHandleForReading.readData(ofLength: 1)
            if chunk.isEmpty { throw CommandFailure(description: "the test server exited before printing its port") }
            if chunk.first == UInt8(ascii: "\n") { break }
            line.append(contentsOf: chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw CommandFailure(description: "the test server printed \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    func stop() {
        // SIGKILL: the test runner's children may inherit an ignored SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }

    private static let script = #"""
import http.server, json, signal, ssl, sys, time

signal.signal(signal.SIGTERM, signal.SIG_DFL)

cert, key, client_ca, mode = sys.argv[1:5]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def reply(self, status, obj, extra=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def peer_cn(self):
        try:
            cert = self.connection.getpeercert()
        except Exception:
            return None
        if not cert:
            return None
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                if k == "commonName":
                    return v
        return None
    def do_GET(self):
        if self.path == "/hello":
            self.reply(200, {"client": self.peer_cn(), "port": self.client_address[1]})
        elif self.path in ("/stream", "/forever"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            i = 0
            try:
                while self.path == "/forever" or i < 5:
                    line = (json.dumps({"n": i}) + "\n").encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    self.wfile.flush()
                    i += 1
                    time.sleep(0.1)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                self.close_connection = True
        elif self.path == "/silent":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            time.sleep(60)
        elif self.path.startswith("/status/"):
            code = int(self.path.split("/")[2])
            self.reply(code, {"kind": "Status", "code": code}, [("Retry-After", "3")])
        else:
            self.reply(404, {"error": "not found"})
    def echo(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self.reply(200, {"method": self.command, "authorization": self.headers.get("Authorization"),
                         "contentType": self.headers.get("Content-Type"), "body": body})
    do_POST = do_PUT = do_PATCH = do_DELETE = echo

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if mode == "tls":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if client_ca != "-":
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(client_ca)
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
}

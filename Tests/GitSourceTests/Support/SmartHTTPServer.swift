import Foundation
import GitSource

/// A real Git smart-HTTP server on loopback: Python's http.server in front of
/// `git http-backend`, an independent implementation of the other side. It
/// serves the bare repositories under `root`, answers 401 unless the request
/// carries exactly `requiredAuthorization` (when given), speaks TLS when given
/// a certificate, and logs the Authorization header of every request.
final class SmartHTTPServer: @unchecked Sendable {
    let port: UInt16
    let log: String
    private let process: Process

    init(root: String, folder: TemporaryFolder, requiredAuthorization: String? = nil,
         certificate: (cert: String, key: String)? = nil) throws {
        let script = try folder.write("smart-http.py", Self.script)
        log = folder.path + "/requests.log"
        let portFile = folder.path + "/port-\(UUID().uuidString.prefix(6))"
        process = Process()
        process.executableURL = URL(fileURLWithPath: GitEnvironment.findProgram("python3", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin/python3")
        process.arguments = [script, root, log, portFile, certificate?.cert ?? "", certificate?.key ?? ""]
        // Through the environment, so a test watching command lines for the secret does not find it here.
        process.environment = GitEnvironment.isolated().merging(["REQUIRED_AUTHORIZATION": requiredAuthorization ?? ""]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = contents(portFile), let value = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                port = value
                return
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        throw FixtureError("the smart HTTP server did not start")
    }

    func url(_ repository: String, scheme: String = "http", userInfo: String? = nil) -> String {
        "\(scheme)://\(userInfo.map { "\($0)@" } ?? "")127.0.0.1:\(port)/\(repository)"
    }

    /// The Authorization headers the server saw, in order ("-" for none).
    var authorizations: [String] {
        (contents(log) ?? "").split(separator: "\n").map(String.init)
    }

    /// SIGKILL: a child started from a Dispatch thread inherits its blocked
    /// SIGTERM. Not waited for: nothing here depends on its exit.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
    }

    private static let script = #"""
    import http.server, os, ssl, subprocess, sys

    root, log, port_file, cert, key = sys.argv[1:6]
    required = os.environ.get("REQUIRED_AUTHORIZATION", "")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.serve()

        def do_POST(self):
            self.serve()

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def serve(self):
            authorization = self.headers.get("Authorization")
            with open(log, "a") as f:
                f.write((authorization or "-") + "\n")
            if required and authorization != required:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = self.body()
            path, _, query = self.path.partition("?")
            env = {"GIT_PROJECT_ROOT": root, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
                   "QUERY_STRING": query, "REQUEST_METHOD": self.command, "REMOTE_ADDR": "127.0.0.1",
                   "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
                   "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_NOSYSTEM": "1",
                   "GIT_CONFIG_GLOBAL": "/dev/null"}
            if self.headers.get("Git-Protocol"):
                env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
            separator = b"\r\n\r\n" if b"\r\n\r\n" in out else b"\n\n"
            head, _, rest = out.partition(separator)
            status, headers = 200, []
            for line in head.decode().splitlines():
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(rest)))
            self.end_headers()
            self.wfile.write(rest)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    """#
}

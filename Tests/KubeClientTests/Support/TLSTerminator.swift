import Foundation

/// A TLS terminator on loopback in front of a plain-HTTP server, as a cluster's
/// API endpoint would be: python3's ssl module serves the given certificate and
/// relays bytes both ways to `127.0.0.1:upstreamPort`. It understands no HTTP;
/// it only notes, from the bytes going up, every `Authorization` header and
/// every failed handshake, so a test can see what the client really sent.
final class TLSTerminator: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let lock = NSLock()
    private var lines: [String] = []

    init(certificate: URL, key: URL, upstreamPort: Int) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, certificate.path, key.path, String(upstreamPort)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        guard let first = Self.readLine(reader), let port = Int(first) else {
            throw CommandFailure(description: "the TLS terminator did not print its port")
        }
        self.port = port
        let thread = Thread { [weak self] in
            while let line = Self.readLine(reader) {
                guard let self else { return }
                self.lock.withLock { self.lines.append(line) }
            }
        }
        thread.start()
    }

    /// The `Authorization` header values seen so far, in order.
    var authorizations: [String] { log.filter { $0.hasPrefix("AUTH ") }.map { String($0.dropFirst(5)) } }
    /// Handshakes that failed, with python's reason.
    var handshakeFailures: [String] { log.filter { $0.hasPrefix("TLS-FAIL ") } }
    var log: [String] { lock.withLock { lines } }

    func stop() {
        // SIGKILL: the test runner's children may inherit an ignored SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }

    private static func readLine(_ handle: FileHandle) -> String? {
        var line: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1)
            if chunk.isEmpty { return nil }
            if chunk.first == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(contentsOf: chunk)
        }
    }

    private static let script = #"""
import select, signal, socket, ssl, sys, threading

signal.signal(signal.SIGTERM, signal.SIG_DFL)
cert, key, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
out_lock = threading.Lock()

def say(line):
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

class Sniffer:
    """Notes each Authorization header in the bytes going up (header lines may straddle reads)."""
    def __init__(self):
        self.pending = b""
    def feed(self, data):
        self.pending += data
        *complete, self.pending = self.pending.split(b"\r\n")
        for line in complete:
            if line.lower().startswith(b"authorization:"):
                say("AUTH " + line.split(b":", 1)[1].strip().decode("latin-1"))
        self.pending = self.pending[-8192:]

def serve(conn):
    try:
        tls = context.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as error:
        say("TLS-FAIL " + str(error))
        conn.close()
        return
    try:
        upstream = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError as error:
        say("UPSTREAM-FAIL " + str(error))
        tls.close()
        return
    # One thread does every read and write of the TLS object (OpenSSL objects are not for two threads at once).
    sniffer = Sniffer()
    try:
        while True:
            ready = [tls] if tls.pending() else select.select([tls, upstream], [], [])[0]
            if tls in ready:
                data = tls.recv(65536)
                if not data:
                    break
                sniffer.feed(data)
                upstream.sendall(data)
            if upstream in ready:
                data = upstream.recv(65536)
                if not data:
                    break
                tls.sendall(data)
    except (ssl.SSLError, OSError):
        pass
    for s in (tls, upstream):
        try:
            s.close()
        except OSError:
            pass

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
say(str(listener.getsockname()[1]))
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
"""#
}

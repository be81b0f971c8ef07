/// The independent client of the interop tests: python3 with the `websockets` package for polite
/// scenarios, and a raw socket for the frames a polite client never sends. Prints one JSON object per report.
/// Arguments: port, scenario, then the scenario's own arguments.
let interopClientScript = #"""
import base64, hashlib, json, os, socket, struct, sys

port, scenario = int(sys.argv[1]), sys.argv[2]
url = f"ws://127.0.0.1:{port}/ws"


def report(**fields):
    print(json.dumps(fields), flush=True)


def raw_connect(version="13", extra=""):
    # Handshake by hand, for frames a polite client would never send.
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n{extra}\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
    expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    return sock, lines[0], headers, expected, rest


def frame(opcode, payload, masked=True, fin=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if masked else 0
    n = len(payload)
    if n < 126:
        head += bytes([mask_bit | n])
    elif n < 65536:
        head += bytes([mask_bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([mask_bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def read_until_close(sock, data):
    # Reads server frames until a close frame; returns its code, then whether the server closed TCP.
    code, texts = None, 0
    while code is None:
        while len(data) < 2:
            chunk = sock.recv(65536)
            if not chunk:
                return None, True, texts
            data += chunk
        length, offset = data[1] & 0x7F, 2
        if length == 126:
            length, offset = struct.unpack(">H", data[2:4])[0], 4
        elif length == 127:
            length, offset = struct.unpack(">Q", data[2:10])[0], 10
        while len(data) < offset + length:
            chunk = sock.recv(65536)
            if not chunk:
                return None, True, texts
            data += chunk
        opcode, payload, data = data[0] & 0x0F, data[offset:offset + length], data[offset + length:]
        texts += opcode == 0x1
        if opcode == 0x8:
            code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
    try:
        while sock.recv(65536):
            pass
        closed = True
    except socket.timeout:
        closed = False
    except OSError:
        closed = True  # a reset also means the server dropped the connection
    return code, closed, texts


if scenario in ("echo", "fragmented", "ping", "serverClose", "oversize", "clientClose", "subprotocol"):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    if scenario == "echo":
        messages = [f"message {i} ✓" for i in range(200)]
        with connect(url) as ws:
            for m in messages:
                ws.send(m)
            received = [ws.recv(timeout=10) for _ in messages]
            ws.send(b"\x00\x01binary")
            binary = ws.recv(timeout=10)
        report(inOrder=received == messages, count=len(received), binaryEchoed=binary == b"\x00\x01binary")
    elif scenario == "subprotocol":
        with connect(url, subprotocols=sys.argv[3].split(",")) as ws:
            report(subprotocol=ws.subprotocol)
    elif scenario == "fragmented":
        with connect(url) as ws:
            ws.send(iter(["frag", "ment", "ed ✓"]))
            report(echo=ws.recv(timeout=10))
    elif scenario == "ping":
        with connect(url) as ws:
            report(pong=ws.ping(b"are you there").wait(timeout=10))
    elif scenario == "clientClose":
        ws = connect(url)
        ws.send("hello")
        ws.recv(timeout=10)
        ws.close(code=4000, reason="done here")
        report(sentCode=ws.protocol.close_sent.code, receivedCode=ws.protocol.close_rcvd.code)
    elif scenario == "serverClose":
        with connect(url) as ws:
            ws.send("close:" + sys.argv[3] + ":bye")
            try:
                ws.recv(timeout=10)
                report(error="no close")
            except ConnectionClosed as closed:
                report(code=closed.rcvd.code, reason=closed.rcvd.reason)
    elif scenario == "oversize":
        with connect(url, max_size=None) as ws:
            try:
                # The server may close while a large message is still being sent.
                ws.send("x" * int(sys.argv[3]))
                ws.recv(timeout=10)
                report(error="no close")
            except ConnectionClosed as closed:
                report(code=closed.rcvd.code if closed.rcvd else None)
elif scenario == "handshake":
    sock, status, headers, expected, _ = raw_connect()
    report(status=status, accept=headers.get("sec-websocket-accept"), expected=expected, upgrade=headers.get("upgrade"))
elif scenario == "origin":
    sock, status, _, _, _ = raw_connect(extra=f"Origin: {sys.argv[3]}\r\n")
    report(status=status)
elif scenario == "silent":
    # Never answers pings: the server must close it after its idle timeout.
    sock, status, _, _, rest = raw_connect()
    code, closed, _ = read_until_close(sock, rest)
    report(code=code, tcpClosed=closed)
elif scenario == "stall":
    # Asks for a flood, reads nothing for a while, then reads everything that was queued.
    import time
    sock, status, _, _, rest = raw_connect()
    sock.sendall(frame(0x1, f"flood:{sys.argv[3]}".encode()))
    time.sleep(float(sys.argv[4]))
    code, closed, texts = read_until_close(sock, rest)
    report(code=code, tcpClosed=closed, messages=texts)
elif scenario == "keepalive":
    from websockets.sync.client import connect
    import time
    with connect(url) as ws:
        time.sleep(float(sys.argv[3]))
        ws.send("still here")
        report(echo=ws.recv(timeout=10))
elif scenario == "badVersion":
    sock, status, headers, _, _ = raw_connect(version="8")
    report(status=status, version=headers.get("sec-websocket-version"))
else:
    hostile = {
        "invalidUTF8": frame(0x1, b"ok \xff\xfe"),
        "invalidUTF8Fragments": frame(0x1, "caf".encode(), fin=False) + frame(0x0, b"\xc3", fin=False) + frame(0x0, b"(", fin=True),
        "unmasked": frame(0x1, b"hello", masked=False),
        "hugeHeader": bytes([0x82, 0xFF]) + struct.pack(">Q", 1 << 63) + os.urandom(4),
        "reservedBits": bytes([0xC1]) + frame(0x1, b"x")[1:],
        "continuationFirst": frame(0x0, b"x"),
        "badCloseCode": frame(0x8, struct.pack(">H", 1005)),
    }[scenario]
    sock, status, _, _, rest = raw_connect()
    sock.sendall(hostile)
    code, closed, _ = read_until_close(sock, rest)
    report(code=code, tcpClosed=closed)
"""#

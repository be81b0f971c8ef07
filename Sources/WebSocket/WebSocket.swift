// WebSocket (RFC 6455) for fabricsync's notification server, in layers that each stand alone:
//
// - `WebSocketHandshake.evaluate(method:httpVersion:headers:options:)`: a pure function from an
//   upgrade request to the 101 response headers or an error status (400, 403, 405, 426), so any HTTP
//   server can use it. `SHA1` and `Base64` exist only for its `Sec-WebSocket-Accept`.
// - The frame codec: `WebSocketFrameDecoder` (incremental, any chunk boundaries, frame-level rules
//   checked on the header before the payload is buffered) and `WebSocketFrameEncoder`.
// - `WebSocketMessageAssembler`: fragmentation, the message size limit, incremental UTF-8
//   (`UTF8Validator`), close payloads.
// - `WebSocketStateMachine`: one connection as bytes-and-clock in, `WebSocketAction`s out — pong,
//   close echo, failing with the right `WebSocketCloseCode`, ping schedule, idle timeout, and the
//   "send close, wait for the peer's close, then drop the socket" handshake.
//
// A violation becomes a `WebSocketProtocolError` carrying the close code to send: 1002 protocol,
// 1007 invalid UTF-8, 1009 too big. The server itself closes with 1000, 1001 (shutdown, idle),
// 1008 (policy), 1011 (server error) and 1013 (slow client).

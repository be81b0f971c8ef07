// The notification hub, WebSocket/SSE/REST endpoints: issue 9.

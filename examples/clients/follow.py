#!/usr/bin/env python3
"""Follow fabricsync notifications over WebSocket (pip install websockets).

    python3 examples/clients/follow.py ws://127.0.0.1:8080/api/v1/ws [--token TOKEN] [--fabric NS/NAME]

Prints one line per event; on a dropped connection it reconnects with backoff
and subscribes with `since` (the last seq seen) and `stream_id`, so nothing is
missed or shown twice. `resume_result.lost` says when the server no longer
held the gap (its buffer moved on, or it restarted).
"""
import argparse, asyncio, json, random, websockets

async def follow(url, fabric, token):
    last_seq, stream_id, attempt = 0, None, 0
    if token:
        url += ("&" if "?" in url else "?") + "token=" + token
    while True:
        try:
            async with websockets.connect(url) as ws:
                async for text in ws:
                    m = json.loads(text)
                    if m["type"] == "connection_ack":
                        attempt = 0
                        subscribe = {"type": "subscribe_fabric", "fabric_id": fabric}
                        if stream_id:
                            subscribe.update(since=last_seq, stream_id=stream_id)
                            if stream_id != m["data"]["stream_id"]:
                                last_seq = 0  # a restarted server numbers from 1 again
                        stream_id = m["data"]["stream_id"]
                        await ws.send(json.dumps(subscribe))
                    elif m["type"] == "resume_result":
                        if m["data"]["lost"]:
                            print(f"! events lost; the server's buffer starts at seq {m['data']['first_available_seq']}")
                    elif m["type"] in ("fabric_status", "pong", "error"):
                        print(f"  {m['type']} {m.get('fabric_id', '')} {json.dumps(m['data'])[:120]}")
                    elif m["seq"] > last_seq:
                        last_seq = m["seq"]
                        print(f"{m['timestamp']} #{m['seq']} {m.get('fabric_id', '-')} {m['type']} {json.dumps(m['data'])[:120]}")
        except (OSError, websockets.exceptions.WebSocketException) as error:
            print(f"! {error}")
        delay = min(30, 0.5 * 2 ** attempt) * random.uniform(0.5, 1)
        attempt += 1
        print(f"! reconnecting in {delay:.1f} s")
        await asyncio.sleep(delay)

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default="ws://127.0.0.1:8080/api/v1/ws")
    parser.add_argument("--fabric", default="*")
    parser.add_argument("--token")
    args = parser.parse_args()
    asyncio.run(follow(args.url, args.fabric, args.token))

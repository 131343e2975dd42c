"""Reference streaming client for the HTTP benchmarks, written the way vLLM's benchmark client
(benchmarks/backend_request_func.py, async_request_openai_chat_completions) is: one aiohttp
ClientSession, POST with stream=True and stream_options.include_usage, iterate the response body
chunk by chunk, stamp the first content chunk for TTFT, parse each `data:` line as JSON.

Usage: reference_client.py BASE_URL MODEL REQUESTS CONCURRENCY OUT.jsonl
Writes one line per request: {"prompt", "ok", "ttft_ms", "latency_ms", "start_ns", "first_ns"} where
the *_ns are time.monotonic_ns() (CLOCK_MONOTONIC, the server's clock too); prints a summary.
"""
import asyncio
import json
import sys
import time

import aiohttp


async def one(session, url, model, prompt):
    payload = {"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": 256,
               "stream": True, "stream_options": {"include_usage": True}}
    record = {"prompt": prompt, "ok": False, "ttft_ms": None, "latency_ms": None}
    start = time.monotonic_ns()
    record["start_ns"] = start
    try:
        async with session.post(url, json=payload, headers={"Authorization": "Bearer x"}) as response:
            if response.status != 200:
                return record
            text = ""
            async for chunk_bytes in response.content:
                chunk_bytes = chunk_bytes.strip()
                if not chunk_bytes:
                    continue
                chunk = chunk_bytes.decode("utf-8").removeprefix("data: ")
                if chunk == "[DONE]":
                    continue
                data = json.loads(chunk)
                if data.get("choices") and data["choices"][0]["delta"].get("content"):
                    now = time.monotonic_ns()
                    if record["ttft_ms"] is None:
                        record["ttft_ms"] = (now - start) / 1e6
                        record["first_ns"] = now
                    text += data["choices"][0]["delta"]["content"]
            record["latency_ms"] = (time.monotonic_ns() - start) / 1e6
            record["ok"] = True
    except aiohttp.ClientError:
        pass
    return record


async def main():
    base_url, model, requests, concurrency, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    url = base_url.rstrip("/") + "/chat/completions"
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=6 * 60 * 60)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def limited(i):
            async with semaphore:
                return await one(session, url, model, f"reference request {i}")

        started = time.perf_counter()
        records = await asyncio.gather(*(limited(i) for i in range(requests)))
        elapsed = time.perf_counter() - started
    with open(out, "w") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")
    ok = sum(r["ok"] for r in records)
    print(json.dumps({"requests": requests, "ok": ok, "seconds": round(elapsed, 3), "requests_per_s": round(ok / elapsed, 1)}))


asyncio.run(main())

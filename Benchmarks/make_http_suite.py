"""Writes an HTTP benchmark suite: REQUESTS tests with unique prompts (so each request can be matched
with the fake server's record), one OpenAI-compatible provider pointing at BASE_URL, no scorer.
  make_http_suite.py REQUESTS BASE_URL MODEL PATH [--repeat N] [--provider-keys 'rate_limit: {rpm: 600}']
--repeat gives every test N repeats (REQUESTS x N results); --provider-keys adds flow-style keys to
the provider."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("requests", type=int)
parser.add_argument("base_url")
parser.add_argument("model")
parser.add_argument("path")
parser.add_argument("--repeat", type=int, default=1)
parser.add_argument("--provider-keys", default="")
args = parser.parse_args()
extra = f", {args.provider_keys}" if args.provider_keys else ""
with open(args.path, "w") as f:
    f.write("version: 1\nname: http-bench\nproviders:\n")
    f.write(f'  - {{id: fake, plugin: openai, model: "{args.model}", base_url: "{args.base_url}", options: {{max_tokens: 256}},\n')
    f.write(f"     retry: {{max_attempts: 1}}, timeouts: {{first_byte_ms: 60000, idle_ms: 60000}}{extra}}}\n")
    if args.repeat > 1:
        f.write(f"defaults:\n  repeat: {args.repeat}\n")
    f.write("tests:\n")
    for i in range(args.requests):
        f.write(f'  - {{name: r{i}, prompt: "bench request {i}"}}\n')

"""Writes an HTTP benchmark suite: REQUESTS tests with unique prompts (so each request can be matched
with the fake server's record), one OpenAI-compatible provider pointing at BASE_URL, no scorer."""
import sys

requests, base_url, model, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(path, "w") as f:
    f.write("version: 1\nname: http-bench\nproviders:\n")
    f.write(f'  - {{id: fake, plugin: openai, model: "{model}", base_url: "{base_url}", options: {{max_tokens: 256}},\n')
    f.write("     retry: {max_attempts: 1}, timeouts: {first_byte_ms: 60000, idle_ms: 60000}}\n")
    f.write("tests:\n")
    for i in range(requests):
        f.write(f'  - {{name: r{i}, prompt: "bench request {i}"}}\n')

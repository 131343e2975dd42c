#!/usr/bin/env bash
# Builds what the CLI runs — llmbench, its plugin probe and the plugins — and never the dashboard's
# server (llmbench-serve, on Hummingbird, which takes minutes more to build:
# `swift build -c release --product llmbench-serve`). Usage: bash scripts/build.sh [release|debug]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
config="${1:-release}"
for product in llmbench llmbench-plugin-probe LLMBenchMock LLMBenchOpenAI LLMBenchAnthropic LLMBenchGemini \
    LLMBenchExactMatch LLMBenchBLEU LLMBenchEmbeddingCosine LLMBenchJUnitXML; do
    swift build -c "$config" --product "$product" | { grep -v "^\[" || true; }
done

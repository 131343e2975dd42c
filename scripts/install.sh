#!/usr/bin/env bash
# Installs llmbench under PREFIX (default ~/.local):
#   PREFIX/bin/llmbench
#   PREFIX/lib/llmbench/             the plugin libraries (providers and scorers), and llmbench-plugin-probe,
#                                    which loads each library in a process of its own before llmbench trusts it
#   PREFIX/share/llmbench/pricing/   the price tables; PREFIX/share/llmbench/suites/ the starter suites
#   shell completions for bash, zsh and fish under PREFIX/share/
# and records every file it wrote in PREFIX/share/llmbench/install-manifest.txt for scripts/uninstall.sh.
#
# Usage: bash scripts/install.sh [--from BUILD_DIR] [PREFIX]
#   --from BUILD_DIR   install what is already built there (e.g. .build/debug) instead of building release
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
usage() { echo "usage: bash scripts/install.sh [--from BUILD_DIR] [PREFIX]" >&2; exit 2; }
from=""
while [ $# -gt 0 ]; do
    case "$1" in
        --from) [ $# -ge 2 ] || usage; from="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option: $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -le 1 ] || usage
prefix="${1:-$HOME/.local}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

if [ -z "$from" ]; then
    bash "$repo/scripts/setup.sh"
    export PATH="/opt/swift/usr/bin:$PATH"
    bash "$repo/scripts/build.sh" release
    from="$(cd "$repo" && swift build -c release --show-bin-path)"
fi
from="$(cd "$from" && pwd)"
plugins=(libLLMBenchMock.so libLLMBenchOpenAI.so libLLMBenchAnthropic.so libLLMBenchGemini.so libLLMBenchExactMatch.so libLLMBenchBLEU.so libLLMBenchEmbeddingCosine.so libLLMBenchJUnitXML.so)
for file in llmbench llmbench-plugin-probe "${plugins[@]}"; do
    [ -f "$from/$file" ] || { echo "error: $from/$file is missing; build first (bash scripts/build.sh)" >&2; exit 1; }
done

manifest="$prefix/share/llmbench/install-manifest.txt"
mkdir -p "$prefix/share/llmbench"
: > "$manifest.new"
put() { # put MODE SOURCE DEST: copy one file and record it
    install -D -m "$1" "$2" "$3"
    echo "$3" >> "$manifest.new"
}
put 755 "$from/llmbench" "$prefix/bin/llmbench"
put 755 "$from/llmbench-plugin-probe" "$prefix/lib/llmbench/llmbench-plugin-probe"
for lib in "${plugins[@]}"; do put 755 "$from/$lib" "$prefix/lib/llmbench/$lib"; done
# Each plugin's plugin.json beside its library (libX.json), for `llmbench plugins`' descriptions and options.
for plugin_json in "$repo"/Plugins/*/plugin.json "$repo"/Scorers/*/plugin.json; do
    lib="$(sed -n 's/.*"library": *"\([^"]*\)".*/\1/p' "$plugin_json")"
    case " ${plugins[*]} " in *" $lib "*) put 644 "$plugin_json" "$prefix/lib/llmbench/${lib%.so}.json" ;; esac
done
for table in "$repo"/Suites/pricing/*.yaml; do put 644 "$table" "$prefix/share/llmbench/pricing/$(basename "$table")"; done
(cd "$repo/Suites" && find . -path ./pricing -prune -o -type f -name '*.yaml' -print) | while read -r suite; do
    put 644 "$repo/Suites/$suite" "$prefix/share/llmbench/suites/${suite#./}"
done
completion() { # completion SHELL DEST
    local tmp
    tmp="$(mktemp)"
    "$prefix/bin/llmbench" --generate-completion-script "$1" > "$tmp"
    put 644 "$tmp" "$2"
    rm -f "$tmp"
}
completion bash "$prefix/share/bash-completion/completions/llmbench"
completion zsh "$prefix/share/zsh/site-functions/_llmbench"
completion fish "$prefix/share/fish/vendor_completions.d/llmbench.fish"
echo "$manifest" >> "$manifest.new"
mv "$manifest.new" "$manifest"

echo "installed llmbench in $prefix ($(wc -l < "$manifest") files; scripts/uninstall.sh $prefix removes them)"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "completions: bash and fish pick them up from $prefix/share when it is on their search path;"
echo "  zsh: fpath=($prefix/share/zsh/site-functions \$fpath) before compinit (README.md, Install)"

#!/usr/bin/env bash
# Removes what scripts/install.sh installed under PREFIX: exactly the files in its manifest, then the
# folders left empty. Files that were not installed by it (a plugin you added, say) stay.
# Usage: bash scripts/uninstall.sh PREFIX
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bash scripts/uninstall.sh PREFIX" >&2; exit 2; }
prefix="$(cd "$1" 2>/dev/null && pwd)" || { echo "error: $1 does not exist" >&2; exit 1; }
manifest="$prefix/share/llmbench/install-manifest.txt"
[ -f "$manifest" ] || { echo "error: no llmbench installed in $prefix (no $manifest)" >&2; exit 1; }
removed=0
while IFS= read -r file; do
    case "$file" in "$prefix"/*) ;; *) echo "skipping $file: outside $prefix" >&2; continue ;; esac
    if [ -e "$file" ] || [ -L "$file" ]; then rm -f "$file"; removed=$((removed + 1)); fi
done < "$manifest"
# Folders left empty, deepest first; never PREFIX itself.
for dir in share/llmbench/suites/starter share/llmbench/suites share/llmbench/pricing share/llmbench lib/llmbench \
           share/bash-completion/completions share/bash-completion share/zsh/site-functions share/zsh \
           share/fish/vendor_completions.d share/fish share lib bin; do
    [ -d "$prefix/$dir" ] && rmdir --ignore-fail-on-non-empty "$prefix/$dir"
done
echo "removed $removed files of llmbench from $prefix"

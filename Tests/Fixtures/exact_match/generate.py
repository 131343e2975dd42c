#!/usr/bin/env python3
"""Makes the fixture the exact_match scorer is checked against (Tests/PluginTests/ExactMatchTests.swift).

Each case is an output, its references and the scorer's options, with the verdict (1: some
reference matches, 0: none) of the reference that mode follows:

- `exact`: lm-evaluation-harness's own `exact_match_hf_evaluate` (lm_eval.api.metrics), called
  as its tasks call it, one prediction and one reference a call. It compares through numpy
  string arrays, so trailing NULs do not count and a lowercase that grows (İ) is cut to the
  array's width.
- `normalized`: SQuAD's `normalize_answer` (below) on both sides, after the options.
- `contains` and `regex`: LLMBench's own modes, decided by Python's `in` and `re.search`.

The options other than lm-evaluation-harness's are applied first: `unicode_normalize` with
`unicodedata.normalize`. In the modes other than `exact` the lm-evaluation-harness options are
the same steps on Python strings. The Swift tests read only the output, cases.json.

    pip install lm-eval==0.4.13 && python3 Tests/Fixtures/exact_match/generate.py
"""
import json
import os
import platform
import re
import string
import sys
import unicodedata
from importlib.metadata import version

import numpy
from lm_eval.api.metrics import exact_match_hf_evaluate

HERE = os.path.dirname(os.path.abspath(__file__))


# SQuAD v1.1's official evaluation script (evaluate-v1.1.py, from
# https://rajpurkar.github.io/SQuAD-explorer/), verbatim; v2.0's differs only by re.UNICODE,
# Python 3's default. No package on PyPI ships it (evaluate's "squad" metric fetches it from a hub).
def normalize_answer(s):
    """Lower text and remove punctuation, articles and extra whitespace."""
    def remove_articles(text):
        return re.sub(r'\b(a|an|the)\b', ' ', text)

    def white_space_fix(text):
        return ' '.join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


# (output, references). The first ones are the edge cases the scorer had; then canonical and
# compatibility equivalence, final sigma, NULs, whitespace and case mappings.
PAIRS = [
    ("The Eiffel Tower", ["eiffel tower"]),
    ("  Paris.  ", ["paris"]),
    ("an apple a day", ["apple day"]),
    ("theatre", ["atre"]),
    ("the’s", ["’s"]),
    ("Ünïcödé Straße", ["ünïcödé straße"]),
    ("ΟΔΟΣ", ["οδος", "οδοσ"]),
    ("ΟΔΟΣ ΟΔΟΣ.", ["οδος οδος"]),
    ("ΟΔΟΣ", ["οδοσ"]),
    ("ΟΔΟΣ", ["οδος"]),
    ("ΣΑΣ Σ", ["σας σ"]),
    ("a\u001cb", ["a b"]),
    ("a\u00a0b\u3000c", ["a b c"]),
    ("rock-n-roll", ["rocknroll"]),
    ("“quoted”", ["quoted"]),
    ("A", [""]),
    ("the_end", ["end"]),
    ("the\u0301 end", ["\u0301 end"]),
    ("an² the½ a٣", ["an² the½ a٣"]),
    ("A.N. THE", ["", "an"]),
    ("Paris", ["paris"]),
    ("Hello, World!", ["hello world"]),
    ("Room 101", ["Room "]),
    ("1,234,567", ["1234567"]),
    ("Answer: 42", ["42"]),
    ("The answer is 42.", ["42"]),
    ("The answer is 42.", ["43", "answer"]),
    ("İstanbul", ["i̇stanbul"]),
    # Canonical equivalence: equal in Swift's String ==, different code points.
    ("Café", ["Cafe\u0301"]),
    ("cafe\u0301", ["café"]),
    ("Café", ["CAFE\u0301"]),
    ("Cafe\u0301", ["e"]),
    ("\u2126", ["\u03a9"]),
    ("\u212b", ["Å"]),
    ("한국", ["\u1112\u1161\u11ab\u1100\u116e\u11a8"]),
    ("e\u0301\u0323", ["e\u0323\u0301"]),
    # Compatibility equivalence (NFKC).
    ("ﬁne", ["fine"]),
    ("ＡＢＣ１２３", ["ABC123"]),
    ("x²", ["x2"]),
    ("½", ["1⁄2"]),
    ("Ⅻ", ["xii"]),
    ("ｔｈｅ ａｎｓｗｅｒ", ["answer"]),
    # Final sigma.
    ("ΣΊΣΥΦΟΣ", ["σίσυφος"]),
    ("ΟΔΟΣ.", ["οδος."]),
    ("ΑΣ'", ["ας'"]),
    ("Α'Σ", ["α'ς"]),
    ("ΑΣ\u0301", ["ας\u0301"]),
    ("ΣΑ", ["σα"]),
    ("Σ", ["σ"]),
    ("AΣ1", ["aς1"]),
    ("ΟΔΟΣ ΚΑΙ", ["οδος και"]),
    # NULs, which numpy's fixed-width strings drop at the end.
    ("trailing nul\0", ["trailing nul"]),
    ("trailing nul", ["trailing nul\0\0"]),
    ("\0leading", ["leading"]),
    ("mid\0dle", ["middle"]),
    ("nul\0", ["nul\0"]),
    ("NUL\0", ["nul"]),
    ("nul\0 ", ["nul"]),
    ("a\0.", ["a"]),
    ("42\0", ["42", "43"]),
    ("ΟΔΟΣ\0", ["οδος"]),
    # U+0130 lowercases to two code points; numpy cuts the result to the array's width.
    ("İ", ["i̇"]),
    ("İ\0", ["i̇"]),
    ("İx", ["i̇x", "i̇"]),
    ("xİ", ["xi̇", "xi"]),
    # Whitespace.
    ("a\tb", ["a b"]),
    ("a\u200bb", ["a b"]),
    ("a\u0085b", ["a b"]),
    ("a\u2028b", ["a b"]),
    ("a\u001fb", ["a b"]),
    ("a\ufeffb", ["ab"]),
    ("a\u000bb\u000cc", ["a b c"]),
    ("windows\r\nline", ["windows line"]),
    ("trailing ", ["trailing"]),
    ("", [""]),
    ("", ["a"]),
    (" ", [""]),
    # Other case mappings and scripts.
    ("ß", ["SS"]),
    ("STRASSE", ["straße"]),
    ("ǅ", ["ǆ"]),
    ("\u212a", ["k"]),
    ("3.14", ["314"]),
    ("٣", ["3"]),
    ("tHe ThE", ["", "the"]),
    ("¿Qué?", ["qué"]),
    ("👍🏽", ["👍"]),
    ("Hello World", ["hello world", "HELLO WORLD"]),
]

# Every pair runs with each of these.
OPTION_SETS = [
    {},
    {"ignore_case": True},
    {"ignore_punctuation": True},
    {"ignore_numbers": True},
    {"ignore_case": True, "ignore_punctuation": True},
    {"ignore_case": True, "ignore_punctuation": True, "ignore_numbers": True},
    {"regexes_to_ignore": [","]},
    {"regexes_to_ignore": ["^Answer: *", "\\.$"], "ignore_case": True},
    {"mode": "normalized"},
    {"mode": "normalized", "ignore_numbers": True},
    {"mode": "normalized", "regexes_to_ignore": ["[0-9]+"]},
    {"mode": "contains"},
    {"mode": "contains", "ignore_case": True},
    {"mode": "exact", "unicode_normalize": "nfc"},
    {"mode": "exact", "unicode_normalize": "nfkc", "ignore_case": True},
    {"mode": "normalized", "unicode_normalize": "nfkc"},
    {"mode": "contains", "unicode_normalize": "nfc", "ignore_case": True, "ignore_punctuation": True},
]

# The regex mode takes patterns as references, so it has pairs of its own.
REGEX_PAIRS = [
    ("ID: AB-1234", ["[A-Z]{2}-\\d{4}"]),
    ("id: ab-1234", ["^[A-Z]{2}"]),
    ("Cafe\u0301", ["e$", "^Caf.$"]),
    ("Cafe\u0301", ["Caf."]),
    ("Café", ["Cafe"]),
    ("ΟΔΟΣ", ["^οδος$"]),
    ("trailing nul\0", ["nul$"]),
    ("ﬁne", ["^fine$"]),
]
REGEX_OPTION_SETS = [
    {"mode": "regex"},
    {"mode": "regex", "ignore_case": True},
    {"mode": "regex", "unicode_normalize": "nfc"},
    {"mode": "regex", "unicode_normalize": "nfkc", "ignore_case": True},
]


def unicode_normalize(text, options):
    form = options.get("unicode_normalize", "none")
    return text if form == "none" else unicodedata.normalize(form.upper(), text)


def prepare(text, options):
    """lm-evaluation-harness's steps on a Python string (for the modes other than exact)."""
    for pattern in options.get("regexes_to_ignore", []):
        text = re.sub(pattern, "", text)
    if options.get("ignore_case"):
        text = text.lower()
    if options.get("ignore_punctuation"):
        text = text.translate(str.maketrans("", "", string.punctuation))
    if options.get("ignore_numbers"):
        text = text.translate(str.maketrans("", "", string.digits))
    return text


def matches(output, reference, options):
    mode = options.get("mode", "exact")
    output, reference = unicode_normalize(output, options), unicode_normalize(reference, options)
    if mode == "exact":
        harness = {key: options[key] for key in ("regexes_to_ignore", "ignore_case", "ignore_punctuation", "ignore_numbers") if key in options}
        return exact_match_hf_evaluate(predictions=[output], references=[reference], **harness)["exact_match"] == 1.0
    if mode == "normalized":
        return normalize_answer(prepare(output, options)) == normalize_answer(prepare(reference, options))
    if mode == "contains":
        return prepare(reference, options) in prepare(output, options)
    if mode == "regex":
        return re.search(reference, prepare(output, options)) is not None
    raise ValueError(mode)


def main():
    cases = []
    for pairs, option_sets in ((PAIRS, OPTION_SETS), (REGEX_PAIRS, REGEX_OPTION_SETS)):
        for options in option_sets:
            for output, expected in pairs:
                value = 1 if any(matches(output, reference, options) for reference in expected) else 0
                cases.append({"output": output, "expected": expected, "options": options, "value": value})
    fixture = {
        "generator": "Tests/Fixtures/exact_match/generate.py",
        "versions": {"python": platform.python_version(), "unicodedata": unicodedata.unidata_version,
                     "lm_eval": version("lm_eval"), "numpy": numpy.__version__},
        "pairs": len(PAIRS), "option_sets": len(OPTION_SETS),
        "regex_pairs": len(REGEX_PAIRS), "regex_option_sets": len(REGEX_OPTION_SETS),
        "cases": cases,
    }
    # One case a line, so a change of verdict reads as a one-line diff.
    head = json.dumps({key: value for key, value in fixture.items() if key != "cases"}, ensure_ascii=False, indent=1)
    lines = ",\n".join("  " + json.dumps(case, ensure_ascii=False) for case in cases)
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8") as file:
        file.write(head[:-2] + ',\n "cases": [\n' + lines + "\n ]\n}\n")
    ones = sum(case["value"] for case in cases)
    print(f"{len(cases)} cases ({len(PAIRS)} pairs x {len(OPTION_SETS)} option sets, {len(REGEX_PAIRS)} x {len(REGEX_OPTION_SETS)} regex), {ones} matches", file=sys.stderr)


if __name__ == "__main__":
    main()

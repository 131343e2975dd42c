"""Reference semantics for the exact_match scorer, transcribed from the two sources it follows:

- SQuAD v1.1's evaluate script, normalize_answer (lower, remove ASCII punctuation, remove the
  articles a/an/the with re.sub(r'\\b(a|an|the)\\b', ' ', ...), collapse whitespace with split/join);
- lm-evaluation-harness's exact_match (Hugging Face evaluate): regexes_to_ignore (re.sub each with
  ""), then ignore_case (lower), ignore_punctuation (string.punctuation removed), ignore_numbers
  (string.digits removed), then equality.

Reads JSON lines {"output", "expected": [..], "options": {..}} on stdin and writes {"value": 0|1}.
Python's own str and re do the work, so the Swift scorer is checked against Python's behaviour.
"""
import json
import re
import string
import sys


def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def prepare(text, options):
    for pattern in options.get("regexes_to_ignore", []):
        text = re.sub(pattern, "", text)
    if options.get("ignore_case"):
        text = text.lower()
    if options.get("ignore_punctuation"):
        text = text.translate(str.maketrans("", "", string.punctuation))
    if options.get("ignore_numbers"):
        text = text.translate(str.maketrans("", "", string.digits))
    return text


def score(output, expected, options):
    mode = options.get("mode", "exact")
    out = prepare(output, options)
    for ref in expected:
        ref_p = prepare(ref, options)
        if mode == "exact" and out == ref_p:
            return 1
        if mode == "normalized" and normalize_answer(out) == normalize_answer(ref_p):
            return 1
        if mode == "contains" and ref_p in out:
            return 1
        if mode == "regex" and re.search(ref, out):
            return 1
    return 0


for line in sys.stdin:
    if line.strip():
        case = json.loads(line)
        print(json.dumps({"value": score(case["output"], case["expected"], case.get("options", {}))}))

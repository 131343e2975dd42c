#!/usr/bin/env python3
"""Makes the fixtures the BLEU scorer is checked against (Tests/PluginTests/BLEUTests.swift).

Runs the real sacreBLEU on hand-picked sentences (empty hypotheses and references, punctuation,
numbers with separators, accents in NFC and NFD, CJK, Greek final sigma, non-ASCII digits, Unicode
whitespace, several references, very short hypotheses) and on seeded random ones, with every
tokenizer and smoothing method, lowercase, effective order and n-gram orders; sentence BLEU per
case and corpus BLEU over groups. It also writes the Python facts the Swift code reproduces:
which code points `str.isspace()` holds for, what `str.lower()` maps, and the Unicode categories
P, S and N as the `regex` module (sacreBLEU's `intl` tokenizer) sees them.
Everything is seeded: running it again with the same versions gives the same file. The Swift
tests read only the output, cases.json.

    pip install sacrebleu==2.6.0 && python3 Tests/Fixtures/bleu/generate.py
"""
import json
import logging
import os
import random
import sys
import unicodedata

import regex
import sacrebleu
from sacrebleu.metrics import BLEU

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZERS = ["13a", "intl", "zh", "char", "none"]

# (hypothesis, references): each one a trap for a tokenizer or for BLEU's arithmetic.
PAIRS = [
    ("The cat sat on the mat.", ["The cat is on the mat."]),
    ("the cat sat on the mat", ["the cat sat on the mat"]),
    ("", ["a b c"]),
    ("a b", [""]),
    ("", [""]),
    ("   \t\n", ["x"]),
    ("a", ["a"]),
    ("a", ["a b c d"]),
    ("a b", ["a b"]),
    ("the", ["the the the"]),
    (".", ["."]),
    ("the the the the", ["the cat"]),
    ("Hello World", ["hello world"]),
    ('He said: "Hello, world!" (really?) -- yes', ['He said: "Hello world" (really) - yes']),
    ("[ok] {fine} ~tilde~ a/b @home #tag $5 %50 ^caret _under `tick` |pipe|", ["[ok] {fine} a/b @home #tag"]),
    ("It costs 1,000.50 dollars, i.e. 1.000,5 euros.", ["It costs 1,000.5 dollars, that is 1.000,50 euros."]),
    ("1,000.5", ["1,000.5"]),
    ("Year 2019.", ["In 2019."]),
    ("3-4 items, -5 degrees, 10-20%", ["3 - 4 items, -5 degrees, 10-20 %"]),
    ("a.b,c a..b x.1.y 1.,2 .5 5. ,5 5, ..5 a.. ,, 1,,2", ["a . b , c"]),
    ("A &amp; B &lt;tag&gt; &quot;q&quot; &amp;lt; &AMP;", ["A & B <tag> \"q\" < &AMP;"]),
    ("<skipped>kept <skipped>", ["kept"]),
    ("hyphen-\nated and new\nline", ["hyphenated and new line"]),
    ("café résumé naïve", ["cafe\u0301 re\u0301sume\u0301 nai\u0308ve"]),
    ("cafe\u0301 re\u0301sume\u0301", ["cafe\u0301 re\u0301sume\u0301"]),
    ('"\u0301quoted\u0301" .\u0301 a,\u0301b <skipped>\u0301 &amp\u0301;', ['"quoted" . a,b']),
    ("\u0301start and end\u0301", ["start and end"]),
    ("我喜欢吃苹果。", ["我爱吃苹果。"]),
    ("我有3个apple, 价格是1,000.5元！", ["我有三个苹果，价格是1,000.5元!"]),
    ("ＡＢＣ１２３，全角。", ["ABC123, 全角."]),
    ("𠀀𠀁𠀂 ext B", ["𠀀 𠀁 𠀂 ext B"]),
    ("a—b x…y “quoted” €5 → ⺀ 㐀 ⁂", ["a — b x … y \" quoted \" € 5"]),
    ("漢字　かな　カタカナ", ["漢字 かな カタカナ"]),
    ("ひらがなとカタカナ", ["ひらがな と カタカナ"]),
    ("한국어 문장입니다.", ["한국어 문장 입니다."]),
    ("ΟΔΟΣ ΟΔΟΣ.", ["οδος οδος.", "οδοσ οδοσ."]),
    ("ΣΑΣ Σ ΑΣ' ΑΣΑ Σ. AΣ1 ΑΣ\u0301 Α'Σ", ["σας σ ας' ασα σ. aς1 ας\u0301 α'ς"]),
    ("ΣΊΣΥΦΟΣ ΚΑΙ ΟΔΥΣΣΕΥΣ", ["σίσυφος και οδυσσευς"]),
    ("٣,٤٥٦.٧ and ١٢٣", ["٣ , ٤٥٦ . ٧ and ١٢٣"]),
    ("१२३,४५६ ² ½ Ⅻ ①", ["१२३ , ४५६ ² ½ Ⅻ ①"]),
    ("a\u00a0b a\u3000b a\tb\nc a\u2028b", ["a b a b a b c a b"]),
    ("a\u200bb a\u0085b a\u001cb a\u001fb a\u000bb", ["a b a b a b a b a b"]),
    ("trailing space\u00a0", ["trailing space"]),
    ("  leading and trailing  ", ["leading and trailing"]),
    ("windows\r\nline\rend", ["windows line end"]),
    ("don't it's rock'n'roll l’été", ["do n't it 's rock 'n' roll l' été"]),
    ("👍🏽 great 😀! 👨‍👩‍👧 family", ["👍 great 😀 ! family"]),
    ("a+b=c x<y>z 5% 100$", ["a + b = c x < y > z 5 % 100 $"]),
    ("well-known co-operate --flag 1-2 a-b", ["well - known co - operate"]),
    ("مرحبا بالعالم، كيف حالك؟", ["مرحبا بالعالم ، كيف حالك ؟"]),
    ("สวัสดีครับ ไทย", ["สวัสดี ครับ ไทย"]),
    ("नमस्ते। दुनिया", ["नमस्ते । दुनिया"]),
    ("Wait... what?! No!!", ["Wait ... what ? ! No ! !"]),
    ("see http://example.com/a?b=c&d=e now", ["see http : / / example.com now"]),
    ("İSTANBUL ǅungla ẞ", ["i̇stanbul ǆungla ß"]),
    ("version 2.0. Release 3.1.4, build 5,6", ["version 2.0 . release 3.1.4 , build 5,6"]),
    ("The quick brown fox jumps over the lazy dog while the cat watches from the window and the bird sings "
     "a song about the morning sun rising over the hills of the quiet little town",
     ["A quick brown fox jumped over a lazy dog while a cat was watching from a window and a bird sang "
      "a song about the morning sun that rose over the hills of a quiet town"]),
    ("the cat", ["the cat sat", "the dog", "a cat sat on"]),
    ("one two three four", ["one two", "one two three four five six", "one two three"]),
    ("one two three", ["one two three four", "one two"]),
    ("x y z", ["a b c", "x y", "z z z z"]),
    ("a b c d e f", ["a b c d e f g h", "a b c d"]),
    ("tab\tseparated\ttokens", ["tab separated tokens"]),
    ("MiXeD CaSe Words", ["mixed case words", "MIXED CASE WORDS"]),
]

# Pieces for the seeded random cases: words, digits with separators, punctuation, scripts, spaces.
WORDS = ("the of and to in is you that it he was for on are as with his they at be this have from or one had "
         "by word but not what all were we when your can said there use an each which she do how their if will "
         "cat dog house Paris London model answer token").split()
PIECES = ["1,000", "1.5", "3.14", "2019", "10-20", "٣٤", "१२", "²", "½", ".", ",", "!", "?", "...", "-", "--", "'",
          "\"", "(", ")", "[", "]", "{", "}", "&amp;", "&lt;", "&quot;", "<skipped>", "$", "%", "#", "@", "/",
          "é", "e\u0301", "café", "cafe\u0301", "Σ", "ΟΔΟΣ", "οδος", "漢字", "苹果", "。", "，", "！", "「", "」",
          "かな", "한국", "𠀀", "—", "…", "“", "”", "’", "€", "→", "😀", "👍🏽", "İ", "ß", "ﬁ", "Å", "\u00a0", "\u3000",
          "\t", "\n", "\u2028", "\u200b", "\u0301", "x.y", "a,b", "5.", ".5", "-\n"]


def random_sentence(rng):
    parts = []
    for _ in range(rng.randint(0, 14)):
        pick = rng.random()
        if pick < 0.6:
            word = rng.choice(WORDS)
            parts.append(word.upper() if rng.random() < 0.1 else word.capitalize() if rng.random() < 0.15 else word)
        else:
            parts.append(rng.choice(PIECES))
    out = ""
    for part in parts:
        out += part if rng.random() < 0.2 else " " + part
    return out


def perturb(rng, sentence):
    """A reference near the hypothesis: words dropped, swapped or added."""
    words = sentence.split(" ")
    out = []
    for word in words:
        pick = rng.random()
        if pick < 0.2:
            continue
        if pick < 0.35:
            out.append(rng.choice(WORDS))
        out.append(word)
    if rng.random() < 0.5 and len(out) > 1:
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    return " ".join(out)


def metric(options, effective_default):
    """sacreBLEU's BLEU with our option names; `effective_default` is sentence_bleu's or corpus_bleu's."""
    return BLEU(tokenize=options.get("tokenize", "13a"), lowercase=options.get("lowercase", False),
                smooth_method=options.get("smooth_method", "exp"), smooth_value=options.get("smooth_value"),
                max_ngram_order=options.get("max_ngram_order", 4),
                effective_order=options.get("effective_order", effective_default))


def described(score, bleu):
    return {
        "score": score.score, "counts": list(score.counts), "totals": list(score.totals),
        "precisions": list(score.precisions), "bp": score.bp, "ratio": score.ratio,
        "sys_len": score.sys_len, "ref_len": score.ref_len, "signature": bleu.get_signature().format(),
        "formatted": score.format(),
    }


def sentence_case(hypothesis, references, options):
    bleu = metric(options, True)
    score = bleu.sentence_score(hypothesis, references)
    case = {"hypothesis": hypothesis, "references": references, "options": options}
    case.update(described(score, bleu))
    case["tokenized"] = bleu._preprocess_segment(hypothesis)
    return case


def corpus_case(segments, options):
    """segments: [(hypothesis, [references])]; a segment may have fewer references than another."""
    bleu = metric(options, False)
    width = max(len(refs) for _, refs in segments)
    streams = [[refs[i] if i < len(refs) else None for _, refs in segments] for i in range(width)]
    score = bleu.corpus_score([hyp for hyp, _ in segments], streams)
    case = {"segments": [{"hypothesis": h, "references": r} for h, r in segments], "options": options}
    case.update(described(score, bleu))
    return case


OPTION_SETS = [
    {"smooth_method": "none"},
    {"smooth_method": "floor"},
    {"smooth_method": "floor", "smooth_value": 0.25},
    {"smooth_method": "add-k"},
    {"smooth_method": "add-k", "smooth_value": 0.5},
    {"smooth_method": "add-k", "smooth_value": 2},
    {"lowercase": True},
    {"effective_order": False},
    {"max_ngram_order": 2},
    {"max_ngram_order": 6, "smooth_method": "floor"},
    {"max_ngram_order": 1},
]


def sentence_cases(rng):
    cases = []
    for hyp, refs in PAIRS:
        for tok in TOKENIZERS:
            cases.append(sentence_case(hyp, refs, {} if tok == "13a" else {"tokenize": tok}))
        for extra in OPTION_SETS:
            tok = rng.choice(TOKENIZERS)
            options = dict(extra)
            if tok != "13a":
                options["tokenize"] = tok
            cases.append(sentence_case(hyp, refs, options))
    for tok in TOKENIZERS:
        for lowercase in (False, True):
            options = {"tokenize": tok, "lowercase": True} if lowercase else {"tokenize": tok}
            cases.append(sentence_case("ΣΑΣ ΟΔΟΣ Σ. ΑΣ' İSTANBUL", ["σας οδος σ. ας' istanbul", "ΣΑΣ"], options))
    for _ in range(400):
        hyp = random_sentence(rng)
        refs = [perturb(rng, hyp) if rng.random() < 0.8 else random_sentence(rng) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        options = dict(rng.choice([{}] * 4 + OPTION_SETS))
        tok = rng.choice(TOKENIZERS)
        if tok != "13a":
            options["tokenize"] = tok
        if rng.random() < 0.2:
            options["lowercase"] = True
        cases.append(sentence_case(hyp, refs, options))
    return cases


def corpus_cases(rng):
    cases = []
    one_ref = [(h, r) for h, r in PAIRS if len(r) == 1]
    for tok in TOKENIZERS:
        options = {} if tok == "13a" else {"tokenize": tok}
        cases.append(corpus_case(one_ref, options))
        cases.append(corpus_case(PAIRS, options))
    for extra in OPTION_SETS + [{"effective_order": True}, {"effective_order": True, "smooth_method": "floor"}]:
        cases.append(corpus_case(PAIRS, dict(extra)))
    cases.append(corpus_case([PAIRS[0]], {}))
    cases.append(corpus_case([("", ["a b"]), ("", ["c"])], {}))
    cases.append(corpus_case([("", [""]), ("", [""])], {}))
    cases.append(corpus_case([("a", ["a"]), ("b", ["b"])], {}))
    cases.append(corpus_case([("a", ["a"]), ("b", ["b"])], {"effective_order": True}))
    cases.append(corpus_case([(h, r) for h, r in PAIRS if any("\u4e00" <= c <= "\u9fff" for c in h)], {"tokenize": "zh"}))
    for _ in range(40):
        segments = []
        for _ in range(rng.randint(1, 12)):
            hyp = random_sentence(rng)
            segments.append((hyp, [perturb(rng, hyp) for _ in range(rng.choice([1, 1, 2, 3]))]))
        options = dict(rng.choice([{}] * 3 + OPTION_SETS + [{"effective_order": True}]))
        tok = rng.choice(TOKENIZERS)
        if tok != "13a":
            options["tokenize"] = tok
        if rng.random() < 0.2:
            options["lowercase"] = True
        cases.append(corpus_case(segments, options))
    return cases


def ranges(predicate):
    """Code point ranges [first, last] where predicate holds."""
    out = []
    start = None
    for cp in range(0x110000 + 1):
        holds = cp <= 0x10FFFF and predicate(cp)
        if holds and start is None:
            start = cp
        elif not holds and start is not None:
            out.append([start, cp - 1])
            start = None
    return out


def python_facts():
    lower = {}
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        mapped = chr(cp).lower()
        if mapped != chr(cp):
            lower[str(cp)] = [ord(c) for c in mapped]
    categories = {name: regex.compile(r"\p{%s}" % name) for name in ("P", "S", "N")}
    sigma_contexts = ["ΣΑΣ", "Σ", "ΑΣ'", "ΑΣ\u0301", "Α'Σ", "ΑΣ.Β", "AΣ1", "ΑΣΑ", "ΣΣ", "ΑΣΣ", "Α\u00adΣ", "ΑΣ\u00adΒ",
                      "ΟΔΟΣ ΟΔΟΣ.", "İSTANBUL", "ǅ", "ᾼΣ", "1Σ", " Σ ", "ΑΣ Β", "aΣ"]
    return {
        "unicode_assigned": ranges(lambda cp: unicodedata.category(chr(cp)) != "Cn"),
        "lower_strings": [[text, text.lower()] for text in sigma_contexts],
        "isspace": ranges(lambda cp: chr(cp).isspace()),
        "lower": lower,
        "regex_categories": {name: ranges(lambda cp, p=pattern: p.match(chr(cp)) is not None)
                             for name, pattern in categories.items()},
    }


def main():
    logging.getLogger("sacrebleu").setLevel(logging.ERROR)  # its advice to use effective_order
    rng = random.Random(9)
    sentence = sentence_cases(rng)
    corpus = corpus_cases(rng)
    out = {
        "generator": "Tests/Fixtures/bleu/generate.py",
        "sacrebleu_version": sacrebleu.__version__,
        "python_version": sys.version.split()[0],
        "python_unicode_version": unicodedata.unidata_version,
        "regex_version": regex.__version__,
        "sentence": sentence,
        "corpus": corpus,
        "python": python_facts(),
    }
    path = os.path.join(HERE, "cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=True, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {len(sentence)} sentence cases, {len(corpus)} corpus cases, sacreBLEU {sacrebleu.__version__}")


if __name__ == "__main__":
    main()

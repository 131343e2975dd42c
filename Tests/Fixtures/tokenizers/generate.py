#!/usr/bin/env python3
"""Makes the tokenizer fixtures the Swift BPE tokenizer is checked against (BPETokenizerTests).

Trains five tiny byte-level BPE tokenizers with Hugging Face `tokenizers`, each configured like a
family of real models (GPT-2; SmolLM2; Llama 3; Qwen2; a RoBERTa-like prefix space), writes each
as a tokenizer.json, and writes the ids the library gives for a few hundred strings to cases.json.
Everything is seeded: running it again gives the same files. The Swift tests read only the output.

    pip install tokenizers==0.23.3 && python3 Tests/Fixtures/tokenizers/generate.py
"""
import json
import os
import random

import tokenizers
from tokenizers import AddedToken, Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_SIZE = 600

# The pre-tokenizer patterns of the real tokenizer.json files.
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

WORDS = """the of and to in is you that it he was for on are as with his they I at be this have from or one
had by word but not what all were we when your can said there use an each which she do how their if will up
other about out many then them these so some her would make like him into time has look two more write go see
number no way could people my than first water been call who oil its now find long down day did get come made
may part over new sound take only little work know place year live me back give most very after thing our just
name good sentence man think say great where help through much before line right too mean old any same tell boy
follow came want show also around form three small set put end does another well large must big even such because
turn here why ask went men read need land different home us move try kind hand picture again change off play
spell air away animal house point page letter mother answer found study still learn should America world
Paris France capital question benchmark latency token tokens streaming server model answer""".split()
CONTRACTIONS = ["don't", "I'm", "you're", "it's", "we've", "they'll", "she'd", "DON'T", "I'LL", "It'S", "can't",
                "won't", "o'clock", "rock'n'roll", "'tis", "y'all", "''", "'s"]
UNICODE = ["é", "e\u0301", "naïve", "café", "Ünïcödé", "漢字", "東京タワー", "한국어", "العربية", "עברית", "ελληνικά",
           "русский", "हिन्दी", "ไทย", "🙂", "👩‍👩‍👧", "🇫🇷", "🏳️‍🌈", "∑∫√", "…", "—", "«»", "€100", "£5", "¥",
           "\u00a0", "\u2009", "\u3000", "\u200b", "\ufeff", "\u000b", "\u000c", "\u0085", "\u2028", "𝔘𝔫𝔦", "Å", "ﬁ"]
DIGITS = ["0", "7", "42", "123", "2024", "31415926", "3.14159", "1,000,000", "0x1F", "1e-9", "12:30", "٣٤٥", "१२३",
          "①②", "Ⅻ", "½"]
SPACES = [" ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", " \n ", "    \n", "\n    ", " \t \n"]
CODE = ["def f(x):\n    return x * 2\n", "for (int i = 0; i < n; ++i) { sum += a[i]; }", "let x = [1, 2, 3]",
        "if a != b && c >= d || !e:", "SELECT * FROM t WHERE id = 42;", "<div class=\"x\">hi</div>", "x->y->z",
        "a==b", "#include <stdio.h>", "    indented", "{\"key\": [true, null]}", "~/path/to/file.txt", "http://a.b/c?d=e"]
PUNCT = [".", ",", "!", "?", "...", "?!", ";", ":", "-", "--", "(", ")", "[", "]", "\"", "'", "`", "@", "#", "$",
         "%", "^", "&", "*", "_", "+", "=", "|", "\\", "/", "<", ">", "{", "}"]


def corpus(rng):
    """Training text: sentences with every kind of piece, so that merges cover words, digits and bytes."""
    lines = []
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(3, 14)):
            pick = rng.random()
            if pick < 0.6:
                word = rng.choice(WORDS)
                parts.append(word.capitalize() if rng.random() < 0.1 else word)
            elif pick < 0.7:
                parts.append(rng.choice(CONTRACTIONS))
            elif pick < 0.8:
                parts.append(rng.choice(DIGITS))
            elif pick < 0.88:
                parts.append(rng.choice(UNICODE))
            else:
                parts.append(rng.choice(PUNCT))
        lines.append(" ".join(parts) + rng.choice([".", "!", "?", ""]))
    lines += CODE * 20
    return lines


def cases(rng, specials):
    """The strings checked: hand-picked edge cases, then seeded random mixes of every kind of piece."""
    fixed = ["", " ", "a", "Hello, world!", "Hello world", " Hello", "hello  world", "hello\n\nworld", "   leading",
             "trailing   ", "\n", "\n\n\n", "\r\n\r\n", "\t", " \t ", "a\u000bb", "a\u0085b", "a\u00a0b", "12345678901",
             "3.14", "$1,234.56", "I'm here", "WE'LL see", "don't stop", "she'd've", "'s", "abc'", "'", "''''",
             "🙂🙂🙂", "👩‍👩‍👧 family", "e\u0301", "é", "Å", "Å", "ﬁnd", "漢字かな交じり文", "The capital of France is Paris.",
             "x" * 300, " " * 50, "ab" * 120, "1" * 40, "\n" * 20 + "x", "the" + " " * 7 + "end", "a  \n  b", "a \n\n b",
             "word\n", " \n", "!!!???", "...", "a...b", "-->", "<<<>>>"]
    fixed += [s for s in specials] + [" " + specials[0] + " ", "x" + specials[0] + "y",
                                      specials[0] + specials[-1], "text " + specials[-1] + "\nmore"]
    pools = [WORDS, CONTRACTIONS, UNICODE, DIGITS, SPACES, CODE, PUNCT, specials]
    weights = [30, 6, 8, 8, 10, 4, 8, 2]
    out = list(fixed)
    while len(out) < 400:
        pieces = []
        for _ in range(rng.randint(1, 12)):
            pool = rng.choices(pools, weights)[0]
            pieces.append(rng.choice(pool))
        joiner = rng.choice(["", " ", " ", " ", "\n", "  "])
        out.append(joiner.join(pieces))
    return out


def train(name, pre_tokenizer, normalizer=None, specials=(), added=(), ignore_merges=False, legacy_merges=False):
    model = models.BPE(ignore_merges=ignore_merges)
    tok = Tokenizer(model)
    tok.pre_tokenizer = pre_tokenizer
    if normalizer is not None:
        tok.normalizer = normalizer
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=list(specials),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus(random.Random(7)), trainer=trainer)
    if added:
        tok.add_tokens(list(added))
    path = os.path.join(HERE, name + ".json")
    tok.save(path)
    if legacy_merges:
        # The format older files use ("a b" strings), to check both: the library reads it back the same.
        with open(path) as f:
            data = json.load(f)
        data["model"]["merges"] = [" ".join(pair) for pair in data["model"]["merges"]]
        with open(path, "w") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
    return Tokenizer.from_file(path)


def main():
    configs = {
        "gpt2-style": dict(pre_tokenizer=pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
                           specials=["<|endoftext|>"], legacy_merges=True),
        "smollm2-style": dict(pre_tokenizer=pre_tokenizers.Sequence([
                                  pre_tokenizers.Digits(individual_digits=True),
                                  pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)]),
                              specials=["<|endoftext|>", "<|im_start|>", "<|im_end|>"]),
        "llama3-style": dict(pre_tokenizer=pre_tokenizers.Sequence([
                                 pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated", invert=False),
                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]),
                             specials=["<|begin_of_text|>", "<|eot_id|>"], ignore_merges=True,
                             added=[AddedToken("<think>", lstrip=True, rstrip=True, normalized=False),
                                    AddedToken("[[w]]", single_word=True, normalized=False)]),
        "qwen2-style": dict(pre_tokenizer=pre_tokenizers.Sequence([
                                pre_tokenizers.Split(Regex(QWEN2), behavior="isolated", invert=False),
                                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]),
                            normalizer=normalizers.NFC(), specials=["<|endoftext|>", "<|im_start|>", "<|im_end|>"]),
        "prefix-space-style": dict(pre_tokenizer=pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
                                   specials=["<s>", "</s>"]),
    }
    strings = None
    expected = {}
    for name, config in configs.items():
        tok = train(name, **config)
        specials = list(config.get("specials", ())) + [t.content for t in config.get("added", ())]
        if strings is None:
            strings = cases(random.Random(11), ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "[[w]]"])
        expected[name] = [tok.encode(s, add_special_tokens=False).ids for s in strings]
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"generator": "tokenizers " + tokenizers.__version__, "strings": strings, "ids": expected},
                  f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()

"""Reworded copies of citizens' messages, for the duplicate-detection benchmark and tests.

    from bench.voices_rewording import KINDS, reword
    copy = reword(text, "mixed", random.Random(7))

Kinds (each a pure function of the text and a seeded random.Random, so copies are reproducible):
- truncate:     keep the first 55–90 % of the characters (a repost cut short);
- repunctuate:  swap full-width/half-width punctuation, drop or double some marks, split or
                join sentences;
- greeting:     put a salutation in front ("您好，", "尊敬的领导：", …) and sometimes a closing
                formula at the end ("谢谢！");
- swap:         swap a few neighbouring jieba words, and move one clause to another place;
- whitespace:   pad with spaces, tabs and newlines, as scraped web forms do;
- mixed:        two or three of the above, in random order.
"""

from __future__ import annotations

import random
import re

from voices.textmodel.text import jieba_ready

GREETINGS = ("您好，", "尊敬的领导：", "尊敬的领导您好！", "各位领导好，", "领导好！", "你好，",
             "尊敬的市长：", "尊敬的书记您好，")
CLOSINGS = ("谢谢！", "此致敬礼！", "望尽快答复，谢谢。", "恳请领导重视！", "")
_PUNCT_SWAP = {"，": ",", ",": "，", "。": ".", ".": "。", "！": "!", "!": "！", "？": "?", "?": "？",
               "：": ":", ":": "：", "；": ";", ";": "；", "（": "(", "(": "（", "）": ")", ")": "）"}
_CLAUSE_RE = re.compile(r"(?<=[，。！？；,.!?;])")


def truncate(text: str, rng: random.Random) -> str:
    body = text.strip()
    keep = max(1, round(len(body) * rng.uniform(0.55, 0.9)))
    return body[:keep]


def repunctuate(text: str, rng: random.Random) -> str:
    out = []
    for ch in text:
        if ch in _PUNCT_SWAP:
            roll = rng.random()
            if roll < 0.4:
                out.append(_PUNCT_SWAP[ch])
            elif roll < 0.55:
                continue  # dropped
            elif roll < 0.65:
                out.append(ch * 2)
            elif roll < 0.75:
                out.append("。" if ch in "，," else "，")  # split or join sentences
            else:
                out.append(ch)
        else:
            out.append(ch)
            if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.01:
                out.append(rng.choice("，、"))
    return "".join(out)


def greeting(text: str, rng: random.Random) -> str:
    return rng.choice(GREETINGS) + text.strip() + rng.choice(CLOSINGS)


def swap(text: str, rng: random.Random) -> str:
    jieba = jieba_ready()
    tokens = jieba.lcut(text)
    n_swaps = max(1, len(tokens) // 40)
    for _ in range(n_swaps):
        if len(tokens) < 3:
            break
        i = rng.randrange(len(tokens) - 1)
        tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
    clauses = [c for c in _CLAUSE_RE.split("".join(tokens)) if c]
    if len(clauses) >= 3:
        moved = clauses.pop(rng.randrange(len(clauses)))
        clauses.insert(rng.randrange(len(clauses) + 1), moved)
    return "".join(clauses)


def whitespace(text: str, rng: random.Random) -> str:
    pads = ("\n\t\t\t\t\t", "  ", "\u3000\u3000", "\n", "\t", " ")
    out = [rng.choice(pads)]
    for ch in text:
        out.append(ch)
        if rng.random() < 0.03:
            out.append(rng.choice(pads))
    out.append(rng.choice(pads) * rng.randint(1, 3))
    return "".join(out)


SIMPLE = {"truncate": truncate, "repunctuate": repunctuate, "greeting": greeting, "swap": swap,
          "whitespace": whitespace}
KINDS = (*SIMPLE, "mixed")


def mixed(text: str, rng: random.Random) -> str:
    names = rng.sample(sorted(SIMPLE), rng.choice((2, 3)))
    for name in names:
        text = SIMPLE[name](text, rng)
    return text


def reword(text: str, kind: str, rng: random.Random) -> str:
    """A reworded copy of `text` of the given kind (see the module docstring)."""
    if kind == "mixed":
        return mixed(text, rng)
    return SIMPLE[kind](text, rng)

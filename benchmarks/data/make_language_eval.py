"""Build benchmarks/data/language_eval.tsv, the language-detection evaluation set.

Written for this project (no corpus copied): per language, headline-like titles about city
life (education, youth, culture, sustainability), two-word chat replies and full sentences.
Titles and sentences are composed from hand-written vocabularies whose parts agree with each
other whatever the combination (singular subjects, predicates that carry their own objects),
plus a few free-standing titles; chat replies are written out one by one. The output is
deterministic (fixed seed), so the file only changes when this script does.

    .venv/bin/python benchmarks/data/make_language_eval.py
"""

from __future__ import annotations

import random
from pathlib import Path

from language_eval_vocab import CHATS, PHRASES

OUT = Path(__file__).parent / "language_eval.tsv"
PER_KIND = 120
SEED = 20261130


def titles(rng: random.Random, lang: str) -> list[str]:
    p = PHRASES[lang]
    combos = [f"{city} {pred}" for city in p["cities"] for pred in p["title_predicates"]]
    rng.shuffle(combos)
    own = list(p["titles"])
    return own + combos[: PER_KIND - len(own)]


def sentences(rng: random.Random, lang: str) -> list[str]:
    p = PHRASES[lang]
    out: set[str] = set()
    while len(out) < PER_KIND:
        text = (
            f"{rng.choice(p['subjects'])} {rng.choice(p['predicates'])} {rng.choice(p['tails'])}."
        )
        if rng.random() < 0.5:
            text += " " + rng.choice(p["closings"])
        out.add(text)
    return sorted(out)


def chats(lang: str) -> list[str]:
    return list(dict.fromkeys(CHATS[lang]))


def main() -> None:
    rng = random.Random(SEED)
    rows: list[tuple[str, str, str]] = []
    for lang in PHRASES:
        rows += [(lang, "title", t) for t in titles(rng, lang)]
        rows += [(lang, "chat", t) for t in chats(lang)]
        rows += [(lang, "sentence", t) for t in sentences(rng, lang)]
    # A text that is the same in two languages would make the set ask the impossible.
    seen: dict[str, set[str]] = {}
    for lang, _, text in rows:
        seen.setdefault(text.casefold(), set()).add(lang)
    clashes = sorted(t for t, langs in seen.items() if len(langs) > 1)
    if clashes:
        raise SystemExit(f"same text in several languages: {clashes}")
    for lang, kind, text in rows:
        if kind == "chat" and len(text.split()) != 2:
            raise SystemExit(f"chat reply is not two words: {lang} {text!r}")
        if "\t" in text or "\n" in text:
            raise SystemExit(f"tab or newline in {text!r}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("lang\tkind\ttext\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for lang, kind, _ in rows:
        counts[lang, kind] = counts.get((lang, kind), 0) + 1
    for (lang, kind), n in sorted(counts.items()):
        print(f"{lang} {kind:8} {n}")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()

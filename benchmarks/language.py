"""Language detection: accuracy per language and kind of text, and time per text.

Compares, in one run and on benchmarks/data/language_eval.tsv:
- langdetect alone (baseline: all 55 profiles, seeded; an answer outside ours counts as "und"),
- lingua alone (restricted to our languages; high-accuracy mode, and low-accuracy mode),
- our newsletter.feeds.language.detect_language.
Each without hints, and with the correct language as the only hint. The single detectors use a
hint as the issue says: when the text has fewer than 4 words or their top score is under 0.9.
Also: how often a long text (title, sentence) overrules a wrong hint. Prints the ratio of our
mean time per text to langdetect's.

    .venv/bin/python benchmarks/language.py
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from newsletter.feeds.language import DEFAULT_SUPPORTED, detector_for, words_of

DATA = Path(__file__).parent / "data" / "language_eval.tsv"
KINDS = ("title", "chat", "sentence")
SHORT_WORDS = 4
SURE = 0.9

Scorer = Callable[[str], tuple[str, float]]
Method = Callable[[str, Sequence[str]], str]


def load_rows() -> list[tuple[str, str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["lang"], r["kind"], r["text"]) for r in reader]


def langdetect_scorer() -> Scorer:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)

    def score(text: str) -> tuple[str, float]:
        detector = factory.create()
        detector.append(text)
        try:
            top = detector.get_probabilities()
        except LangDetectException:
            return "und", 0.0
        if not top or top[0].lang not in DEFAULT_SUPPORTED:
            return "und", 0.0
        return top[0].lang, top[0].prob

    return score


def lingua_scorer(low_accuracy: bool) -> Scorer:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in DEFAULT_SUPPORTED
    ]
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def score(text: str) -> tuple[str, float]:
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value == 0:
            return "und", 0.0
        return values[0].language.iso_code_639_1.name.lower(), values[0].value

    return score


def alone(score: Scorer) -> Method:
    def method(text: str, hints: Sequence[str]) -> str:
        lang, confidence = score(text)
        if hints and (len(words_of(text)) < SHORT_WORDS or confidence < SURE or lang == "und"):
            return hints[0]
        return lang

    return method


def run(method: Method, rows: list[tuple[str, str, str]], hint: str) -> tuple[dict, list[float]]:
    hits: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    times: list[float] = []
    for lang, kind, text in rows:
        hints = {"none": (), "right": (lang,), "wrong": (wrong_hint(lang),)}[hint]
        start = time.perf_counter()
        got = method(text, hints)
        times.append(time.perf_counter() - start)
        hits[lang, kind][0] += got == lang
        hits[lang, kind][1] += 1
    return hits, times


def wrong_hint(lang: str) -> str:
    ours = ["fr", "es", "en", "pt", "ca", "it"]
    return ours[(ours.index(lang) + 1) % len(ours)]


def pct(hit: list[int]) -> str:
    return f"{100 * hit[0] / hit[1]:5.1f}" if hit[1] else "    -"


def report(name: str, hint: str, hits: dict, times: list[float], langs: list[str]) -> None:
    print(f"\n{name}, hint: {hint}")
    print("  kind      " + " ".join(f"{lang:>5}" for lang in langs) + "    all")
    for kind in KINDS:
        cells = [hits[lang, kind] for lang in langs]
        total = [sum(c[0] for c in cells), sum(c[1] for c in cells)]
        print(f"  {kind:9} " + " ".join(pct(c) for c in cells) + f"  {pct(total)}")
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"  time per text: mean {1000 * statistics.fmean(times):.3f} ms, p95 {1000 * p95:.3f} ms")


def main() -> None:
    rows = load_rows()
    langs = sorted({lang for lang, _, _ in rows}, key=["fr", "es", "en", "pt", "ca", "it"].index)
    print(f"{len(rows)} texts: " + ", ".join(f"{k} {sum(r[1] == k for r in rows)}" for k in KINDS))

    start = time.perf_counter()
    ours_detector = detector_for()
    ours_detector.preload()
    print(f"our detector preload: {time.perf_counter() - start:.2f} s")

    methods: dict[str, Method] = {
        "langdetect alone": alone(langdetect_scorer()),
        "lingua alone (high accuracy)": alone(lingua_scorer(low_accuracy=False)),
        "lingua alone (low accuracy)": alone(lingua_scorer(low_accuracy=True)),
        "detect_language (ours)": lambda text, hints: ours_detector.detect(text, hints).lang,
    }
    mean_time: dict[tuple[str, str], float] = {}
    for hint in ("none", "right"):
        for name, method in methods.items():
            hits, times = run(method, rows, hint)
            report(name, hint, hits, times, langs)
            mean_time[name, hint] = statistics.fmean(times)

    long_rows = [r for r in rows if r[1] != "chat"]
    print("\nlong texts (titles, sentences) with a wrong hint: how often the text wins")
    for name, method in methods.items():
        hits, _ = run(method, long_rows, "wrong")
        for kind in ("title", "sentence"):
            got = [
                sum(hits[lang, kind][0] for lang in langs),
                sum(hits[lang, kind][1] for lang in langs),
            ]
            print(f"  {name:30} {kind:9} {pct(got)}%")

    print()
    base = "langdetect alone"
    for hint in ("none", "right"):
        for name in methods:
            ratio = mean_time[name, hint] / mean_time[base, hint]
            print(f"time ratio {name} / {base}, hint {hint}: {ratio:.2f}")


if __name__ == "__main__":
    main()

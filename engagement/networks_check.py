"""One check shared by the YAML files staff write (consultations, polls, cafés)."""

from __future__ import annotations

from collections.abc import Iterable

from engagement.problems import N_, Problem


def unknown_network_errors(value: object, known: Iterable[str] | None) -> list[Problem]:
    """`networks[i]: unknown network 'x'` for each slug of `value` (a list) not in `known`;
    nothing when `known` is None (not checked) or `value` is not a list (reported elsewhere)."""
    if known is None or not isinstance(value, list):
        return []
    known_set = set(known)
    return [
        Problem(f"networks[{i}]", N_("unknown network {slug}"), {"slug": repr(slug)})
        for i, slug in enumerate(value)
        if isinstance(slug, str) and slug not in known_set
    ]

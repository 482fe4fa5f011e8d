"""A small consultation used by the consultation tests."""

from __future__ import annotations

from engagement.consultations.definition_check import load_definition
from engagement.consultations.schema import Definition

SAMPLE = """
slug: sample
title: {en: Sample, fr: Exemple}
audience: city_representatives
one_response_per: city
opens_at: 2026-11-01T09:00:00+01:00
closes_at: 2026-11-20T23:59:00+01:00
questions:
  - id: priority
    type: single_choice
    text: {en: "Main priority?", fr: "Priorité ?", es: "¿Prioridad?"}
    options:
      - {id: inclusion, text: {en: Inclusion, fr: Inclusion, es: Inclusión}}
      - {id: climate, text: {en: Climate, fr: Climat, es: Clima}}
  - id: actions
    type: multi_choice
    max_choices: 2
    text: {en: "Actions?"}
    options:
      - {id: a, text: {en: "A", fr: "A fr"}}
      - {id: b, text: {en: "B"}}
      - {id: c, text: {fr: "C fr"}}
  - id: satisfaction
    type: scale
    min: 1
    max: 5
    text: {en: "Satisfied?"}
  - id: comment
    type: text
    required: false
    max_length: 20
    show_if: {question: priority, in: [inclusion]}
    text: {en: "Why?"}
  - id: budget
    type: number
    required: false
    min: 0
    max: 1000000
    text: {es: "¿Presupuesto?", en: "Budget?"}
"""


def sample() -> Definition:
    return load_definition(SAMPLE)

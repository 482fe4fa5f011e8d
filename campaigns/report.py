"""The campaign report (pure): cities taking part, activities by country and network, email
and chat reach; and its chart as a PNG (matplotlib, Agg backend, no display needed)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from campaigns.messages import _, translate


@dataclass(frozen=True)
class Activity:
    """One activity a city declared in the D-45 consultation."""

    city: str
    country: str
    networks: tuple[str, ...]
    title: str
    date: str = ""
    place: str = ""
    audience: str = ""
    link: str = ""


@dataclass(frozen=True)
class Reach:
    """Email: deliveries accepted by the provider, opened (distinct subscribers); chat:
    messages sent, distinct people reached, and those who blocked the bot."""

    emails_accepted: int = 0
    emails_opened: int = 0
    emails_failed: int = 0
    chat_sent: int = 0
    chat_people: int = 0
    chat_blocked: int = 0
    chat_failed: int = 0


@dataclass(frozen=True)
class CampaignReport:
    year: int
    theme: str | None
    cities: tuple[str, ...]
    activities: tuple[Activity, ...]
    reach: Reach
    steps: tuple[dict[str, Any], ...] = field(default=())

    @property
    def by_country(self) -> dict[str, int]:
        return dict(sorted(Counter(a.country for a in self.activities).items()))

    @property
    def by_network(self) -> dict[str, int]:
        counts = Counter(n for a in self.activities for n in (a.networks or ("none",)))
        return dict(sorted(counts.items()))

    @property
    def countries(self) -> int:
        return len(self.by_country)

    @property
    def open_rate(self) -> float:
        accepted = self.reach.emails_accepted
        return round(100.0 * self.reach.emails_opened / accepted, 1) if accepted else 0.0

    def figures(self) -> dict[str, int]:
        """The numbers the thank-you message quotes."""
        return {
            "cities": len(self.cities),
            "activities": len(self.activities),
            "countries": self.countries,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "theme": self.theme,
            "cities_taking_part": len(self.cities),
            "cities": list(self.cities),
            "activities": {
                "total": len(self.activities),
                "by_country": self.by_country,
                "by_network": self.by_network,
                "list": [a.__dict__ | {"networks": list(a.networks)} for a in self.activities],
            },
            "emails": {
                "accepted": self.reach.emails_accepted,
                "opened": self.reach.emails_opened,
                "failed": self.reach.emails_failed,
                "open_rate": self.open_rate,
            },
            "chat": {
                "sent": self.reach.chat_sent,
                "people_reached": self.reach.chat_people,
                "blocked": self.reach.chat_blocked,
                "failed": self.reach.chat_failed,
            },
            "steps": list(self.steps),
        }


def build_report(
    year: int,
    theme: str | None,
    activities: Sequence[Activity],
    responding_cities: Sequence[str],
    reach: Reach,
    steps: Sequence[dict[str, Any]] = (),
) -> CampaignReport:
    """Cities taking part: those that declared an activity or answered the declaration."""
    cities = sorted({a.city for a in activities} | set(responding_cities))
    ordered = sorted(activities, key=lambda a: (a.country, a.city, a.title))
    return CampaignReport(year, theme, tuple(cities), tuple(ordered), reach, tuple(steps))


BY_COUNTRY = _("Activities by country")
BY_NETWORK = _("Activities by network")
REACH = _("Reach")
EMAILS_ACCEPTED = _("emails accepted")
EMAILS_OPENED = _("emails opened")
CHAT_SENT = _("chat messages sent")
CHART_TITLE = _("International Day of Educating Cities %(year)s")


def chart_png(report: CampaignReport, lang: str = "en") -> bytes:
    """Three panels, labelled in `lang`: activities by country, by network, and reach."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(12, 4), dpi=100)
    try:
        panels = [
            (translate(BY_COUNTRY, lang), report.by_country),
            (translate(BY_NETWORK, lang), report.by_network),
            (
                translate(REACH, lang),
                {
                    translate(EMAILS_ACCEPTED, lang): report.reach.emails_accepted,
                    translate(EMAILS_OPENED, lang): report.reach.emails_opened,
                    translate(CHAT_SENT, lang): report.reach.chat_sent,
                },
            ),
        ]
        for axis, (title, counts) in zip(axes, panels, strict=True):
            labels = list(counts) or ["—"]
            values = list(counts.values()) or [0]
            axis.bar(labels, values, color="#0b5394")
            axis.set_title(title)
            axis.tick_params(axis="x", labelrotation=30)
            axis.yaxis.get_major_locator().set_params(integer=True)
        figure.suptitle(translate(CHART_TITLE, lang, year=report.year))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)

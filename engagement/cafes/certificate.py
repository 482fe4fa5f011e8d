"""A certificate of attendance as a PDF, in the participant's language (pure: no I/O but the
font file).

Built with fpdf2 (pure Python, no system library) in DejaVu Sans, which matplotlib (a product
dependency) ships: it covers every letter of our languages. The texts live in the
`cafe_certificates` gettext domain (bot/locales/<lang>/LC_MESSAGES/cafe_certificates.po).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from fpdf import FPDF

from i18n.catalogs import Catalog

catalog = Catalog(Path(__file__).resolve().parents[2] / "bot" / "locales", "cafe_certificates")
_ = catalog.text


@dataclass(frozen=True)
class Certificate:
    name: str
    cafe_title: str
    starts_at: datetime  # UTC
    timezone: ZoneInfo  # the participant's
    duration_minutes: int
    speakers: tuple[str, ...]
    issued_on: datetime
    language: str


@cache
def font_path(bold: bool = False) -> Path:
    """DejaVu Sans from matplotlib's data; FileNotFoundError when it is not installed."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    if not path.is_file():
        raise FileNotFoundError(f"the certificate font {name} is missing ({path})")
    return path


def lines(found: Certificate) -> list[tuple[str, float, bool]]:
    """The certificate's lines in its language: (text, font size, bold) (pure)."""
    lang = found.language
    local = found.starts_at.astimezone(found.timezone)
    held = _(
        "held on %(date)s at %(time)s (%(zone)s), for %(minutes)s minutes.",
        lang,
        date=format_date(local, "long", locale=lang),
        time=format_time(local, "short", locale=lang),
        zone=found.timezone.key,
        minutes=found.duration_minutes,
    )
    rows = [
        (_("International Association of Educating Cities", lang), 12.0, False),
        (_("Certificate of attendance", lang), 26.0, True),
        (_("This certifies that", lang), 13.0, False),
        (found.name, 22.0, True),
        (_("took part in the virtual café", lang), 13.0, False),
        (quoted(found.cafe_title, lang), 17.0, True),
        (held, 12.0, False),
    ]
    if found.speakers:
        rows.append((_("Speakers: %(names)s", lang, names=", ".join(found.speakers)), 11.0, False))
    issued = format_date(found.issued_on.astimezone(found.timezone), "long", locale=lang)
    rows.append((_("Issued on %(date)s by the secretariat.", lang, date=issued), 10.0, False))
    return rows


def quoted(title: str, lang: str) -> str:
    """The title between the quotation marks of `lang` (pure)."""
    if lang == "fr":
        return f"« {title} »"
    if lang in ("es", "pt", "ca"):
        return f"«{title}»"
    return f"“{title}”"


def certificate_pdf(found: Certificate) -> bytes:
    """The certificate as an A4 landscape PDF; FileNotFoundError when the font is missing."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_("Certificate of attendance", found.language))
    pdf.set_lang(found.language)
    pdf.set_creator("AIVE Comms")
    pdf.add_font("DejaVu", "", str(font_path()))
    pdf.add_font("DejaVu", "B", str(font_path(bold=True)))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(30, 90, 140)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(30)
    gaps = (4, 14, 6, 4, 6, 4, 10, 4, 14)
    for (text, size, bold), gap in zip(lines(found), gaps, strict=False):
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)
    return bytes(pdf.output())


def certificate_filename(slug: str, person_id: int) -> str:
    return f"certificate-{slug}-{person_id}.pdf"

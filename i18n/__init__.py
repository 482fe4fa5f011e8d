"""Languages, gettext catalogs, Jinja2 environments and locale formatting, once for every face.

Ground layer: imports none of our packages, so the domain and the faces all may use it.
- `i18n.languages`: the languages we speak (`LANGUAGES`), their names, `base_language`.
- `i18n.catalogs`: the one gettext catalog loader (`translations`, `Catalog`) and what happens
  when a compiled catalog is missing (English, and one warning).
- `i18n.templates`: the one Jinja2 environment factory (`environment`), gettext installed.
- `i18n.formatting`: Babel dates and numbers in a reader's language.
- `i18n.times`: moments in a reader's timezone and language, and finding a zone by name.
"""

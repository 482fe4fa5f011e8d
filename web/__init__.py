"""The web face: public pages (`web.public`) and the staff console (`web.console`). Routes
translate HTTP to domain calls; no SQL and no business rule here."""

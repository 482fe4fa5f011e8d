"""Bulletin editions: candidates, ranking, composition, rendering, review and approval."""

"""One module per feature, each exposing `build_router() -> Router` (fresh per dispatcher)."""

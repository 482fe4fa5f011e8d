"""One module per feature: module-level handlers, and `build_router() -> Router`, a short
factory registering them on a fresh router (a router joins one dispatcher only)."""

"""The web face: aiohttp routes and Jinja2 templates (web/public: public pages)."""

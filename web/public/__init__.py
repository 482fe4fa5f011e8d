"""Public pages: archive, Atom, subscribe, confirm, preferences, unsubscribe, café and
consultation pages, the campaign kit."""

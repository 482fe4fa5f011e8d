"""The engagement domain: consultations, polls, virtual cafés, youth voice, representatives and
invites. Pure rules and the services that use storage; no aiogram, no aiohttp."""

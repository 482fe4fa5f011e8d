"""The engagement domain: consultations, polls, cafés, youth voice, representatives, invites."""

"""Polls: staff describe a poll in YAML; the bot sends it as a native Telegram poll to its
audience, in each reader's language; answers merge across languages; a job stops every sent
poll at closing time.

`schema` checks the file, `results` and `chart` are pure, `service` creates polls and records
answers, `closing` decides which sent polls to stop and records them (the Telegram calls are
in bot.broadcast.poll_closing).
"""

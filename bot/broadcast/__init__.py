"""The Telegram side of the chat outbox: `drainer` claims queued rows, `sender` sends them within
Telegram's limits (`limiter`), honours 429 `retry_after`, marks people who blocked the bot
inactive and never sends a row twice (see `sender` for the one duplicate window Telegram leaves).
What to send is decided in `outbox`, which knows nothing of Telegram."""

"""Channel adapters (website gateway, Telegram bot). They hold no dialogue logic."""

"""Telegram bot tests: the real aiogram stack against a Bot API stand-in."""

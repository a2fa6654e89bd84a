"""The Telegram bot: a channel adapter (aiogram 3) in front of the assistant; no dialogue logic.

Residents write to the bot in private chats. Text and button payloads go to the assistant
through Lotse's Rasa channel (lotse/rasa_channel.py) with the sender id
``"tg-" + str(telegram user id)`` and the metadata ``channel=telegram``, ``language_hint`` (the
Telegram app's language) and, only when the resident has one, ``telegram_username`` (offered
as a contact in the handoff form). Everything else (stickers, photos, edits, group chats) is
answered from content in the conversation's language.

Privacy: the bot logs update types, chat types, counts and error types, never message text,
names, usernames or phone numbers. It stores nothing on disk; in memory it keeps the last
language per user id and long button payloads (both bounded).

Run: ``python -m bot.telegram`` (settings: bot/telegram/settings.py).
"""

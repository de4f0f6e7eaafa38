"""Channel adapters: Telegram, SMS and WhatsApp (Twilio), web chat, terminal."""

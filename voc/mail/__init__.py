"""The mail channel: settings, inbound fetch (IMAP), the outbox and its sender (SMTP), notifications."""

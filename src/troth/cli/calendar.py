"""Reminders where the user already looks: a calendar file and an e-mailed digest."""

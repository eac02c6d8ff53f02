"""Message drafts: one person, one message, editable."""

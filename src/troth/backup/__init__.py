"""Backup and export: everything the owner has, out (JSON, vCard, CSV) and back in."""

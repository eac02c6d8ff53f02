"""Networking groups on a shared server: groups, their members and invitations.

A group is not owned by one member, so its rows are not `Owned`: they never go
into a member's `troth backup` and a restore cannot bring them in. What a member
may see of a group or of another member is decided in one place, `access.py`.
"""

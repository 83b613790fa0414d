"""Scopes of this app's models (see samspil/access/policy.py)."""

"""Telling people: what is due to whom at a moment, the addresses, sending through apprise."""

"""The mission-control dashboard (Textual)."""

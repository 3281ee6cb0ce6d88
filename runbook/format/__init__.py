"""The runbook format: pydantic models, durations and times, the hardened YAML reader."""

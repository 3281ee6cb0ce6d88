"""Every --json (and CSV) contract in one place."""

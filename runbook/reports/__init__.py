"""The readiness report, the review and rehearsal evidence as data."""

"""The weekend's domain: events and what each may hold, the forecast (a pure fold), the
check-in rules, gates, replanning, recovery and closing, and the views both faces render.
Where events are kept is ``runbook.store``; the use cases joining the two, ``runbook.usecases``."""

"""The weekend as it happens: events and their store, the forecast, the check-in rules,
gates, the use cases both faces call, live following, and the views they show."""

"""Reports for the steering committee: go/no-go readiness before and during the weekend, and
the review after it (data in ``readiness``/``review``, renderers in ``markdown``/``html``/
``jsonout``)."""

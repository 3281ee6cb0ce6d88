"""The runbook to and from other tools' files: Excel workbooks, CSV and MS Project's XML."""

"""runbook: an orchestrator for IT migration weekends (cutovers)."""

__version__ = "0.1.0.dev0"

"""From a runbook file to a plan: one orchestrator, located problems, references and cycles,
warnings."""

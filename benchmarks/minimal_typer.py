"""The smallest useful Typer application: one command, one argument (a benchmark baseline).

``run.py`` times it as a whole process, as the floor a Typer CLI cannot go below; the
check-in commands (``runbook start``, ``done``, ``status``) are compared with it.
"""

from __future__ import annotations

import typer

app = typer.Typer()


@app.command()
def main(name: str) -> None:
    """Greet NAME."""
    print(f"Hello {name}")


if __name__ == "__main__":
    app()

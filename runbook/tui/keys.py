"""The dashboard's keys, in one place (the help screen explains them)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

KEYS: list[BindingType] = [
    Binding("s", "check('start')", "Start"),
    Binding("d", "check('done')", "Done"),
    Binding("f", "check('fail')", "Fail"),
    Binding("k", "check('skip')", "Skip"),
    Binding("u", "check('undo')", "Undo"),
    Binding("n", "check('note')", "Note"),
    Binding("question_mark", "help", "Help"),  # early: still in the footer at 80 columns
    Binding("e", "revise('eta')", "ETA"),
    Binding("p", "revise('pull')", "Pull"),
    Binding("t", "revise('estimate')", "Estimate", show=False),
    Binding("w", "what_if", "What if", show=False),
    Binding("R", "recover", "Recover", show=False),
    Binding("P", "pull_candidates", "Pull forward?", show=False),
    Binding("slash", "filter", "Filter"),
    Binding("c", "critical", "Critical only"),
    Binding("g", "goto", "Go to"),
    Binding("o", "sort", "Sort", show=False),
    Binding("O", "reverse", "Reverse sort", show=False),
    Binding("1", "tab('tasks')", "Tasks", show=False),
    Binding("2", "tab('timeline')", "Timeline", show=False),
    Binding("3", "tab('log')", "Log", show=False),
    Binding("v", "panels", "Panels", show=False),
    Binding("q", "quit", "Quit"),
    # A recorded weekend played back (`runbook control --replay`); nothing otherwise.
    Binding("space", "replay_pause", "Pause", show=False),
    Binding("full_stop", "replay_step", "Next event", show=False),
    Binding("j", "replay_jump", "Jump to", show=False),
    Binding("plus", "replay_speed(1)", "Faster", show=False),
    Binding("minus", "replay_speed(-1)", "Slower", show=False),
]

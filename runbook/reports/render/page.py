"""The page of the HTML reports: its style sheet and the small pieces both reports are built
from (tables, badges, key figures, sections, the banner, a chart with its legend). Every text
put in goes through ``esc``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import tzinfo

from runbook.format.durations import clock
from runbook.planning.plan import Plan
from runbook.reports.render import charts
from runbook.reports.render.markdown import signed
from runbook.reports.render.svg import esc

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:#1f2933;font:14px/1.5 system-ui,-apple-system,"Segoe UI",
Roboto,Helvetica,Arial,sans-serif}
main{max-width:1220px;margin:24px auto;background:#fff;padding:32px 40px 28px;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#616e7c;font-weight:600}
h1{font-size:27px;margin:2px 0 4px;line-height:1.25}
h2{font-size:19px;margin:36px 0 12px;padding-bottom:6px;border-bottom:2px solid #e4e7eb}
h3{font-size:15px;margin:18px 0 6px}
p{margin:6px 0 10px}.meta{color:#616e7c;font-size:13px;margin:0}
.banner{margin:22px 0;padding:18px 24px;border-radius:8px;border-left:14px solid}
.banner.go{background:#e8f5e9;border-color:#2e7d32}.banner.go .verdict{color:#1b5e20}
.banner.conditions{background:#fff4e5;border-color:#e08600}
.banner.conditions .verdict{color:#a35200}
.banner.nogo{background:#fdecea;border-color:#c62828}.banner.nogo .verdict{color:#b71c1c}
.banner .label{font-size:12px;text-transform:uppercase;letter-spacing:.08em;font-weight:600;
color:#52606d}
.verdict{font-size:36px;font-weight:800;letter-spacing:.02em;line-height:1.15}
.advice{font-size:16px;margin:4px 0 12px}
.banner ul{margin:0;padding:0;list-style:none}
.banner li{margin:5px 0;display:flex;gap:10px;align-items:baseline}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:700;
letter-spacing:.03em;white-space:nowrap;background:#e4e7eb;color:#3e4c59}
.banner .badge{min-width:100px;text-align:center}
.badge.nogo{background:#c62828;color:#fff}.badge.conditions{background:#e08600;color:#fff}
.badge.go{background:#2e7d32;color:#fff}.badge.info{background:#d9e2ec;color:#334e68}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;
margin:0 0 8px}
.figure{border:1px solid #e4e7eb;border-radius:8px;padding:10px 14px}
.figure .k{font-size:11px;color:#616e7c;text-transform:uppercase;letter-spacing:.06em;
font-weight:600}
.figure .v{font-size:21px;font-weight:700;white-space:nowrap}
.figure .s{font-size:12px;color:#616e7c}
.figure.bad .v{color:#b71c1c}.figure.good .v{color:#1b5e20}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#616e7c;
border-bottom:2px solid #e4e7eb;padding:6px 8px;vertical-align:bottom}
td{border-bottom:1px solid #e4e7eb;padding:6px 8px;vertical-align:top}
tbody tr:nth-child(even) td{background:#fafbfc}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.when{white-space:nowrap}
code,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.id{font-weight:600;white-space:nowrap}.sub{color:#616e7c}
.chart{margin:10px 0}.chart svg{display:block;width:100%;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;color:#52606d;margin:4px 0}
.legend i{display:inline-block;width:18px;height:10px;border-radius:2px;margin-right:6px;
vertical-align:-1px}
.legend i.d{width:10px;height:10px;transform:rotate(45deg);border-radius:1px}
.legend i.l{width:3px;height:14px;vertical-align:-3px;border-radius:0}
.path{display:flex;flex-wrap:wrap;gap:4px 6px;align-items:center}
.path .step{background:#fdecea;color:#b71c1c;border-radius:4px;padding:1px 7px}
.path .arrow{color:#9aa5b1}
.probability{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.probability .chart{flex:3 1 600px}
.bigp{flex:1 1 220px;text-align:center;border-radius:10px;padding:18px 14px;border:2px solid}
.bigp.ok{border-color:#2e7d32;background:#e8f5e9}.bigp.ok .v{color:#1b5e20}
.bigp.low{border-color:#c62828;background:#fdecea}.bigp.low .v{color:#b71c1c}
.bigp.none{border-color:#9aa5b1;background:#f5f7fa}
.bigp .k{font-size:17px;font-weight:700}.bigp .v{font-size:60px;font-weight:800;line-height:1.1}
.bigp .s{font-size:12px;color:#52606d}
.meter{background:#eceff1;border-radius:3px;height:8px;width:140px;display:inline-block;
vertical-align:middle;margin-right:8px}.meter b{display:block;height:100%;border-radius:3px;
background:#c62828}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
.card{border:1px solid #e4e7eb;border-radius:8px;padding:10px 14px;break-inside:avoid}
ul.criteria{margin:6px 0 0;padding-left:0;list-style:none;font-size:13px}
ul.criteria li{padding-left:1.4em;text-indent:-1.4em;margin:3px 0}
ul.criteria li:before{content:"\\2610\\00a0\\00a0"}
.note{color:#52606d;font-size:13px}
footer{margin-top:36px;color:#616e7c;font-size:12px;border-top:1px solid #e4e7eb;padding-top:10px}
@page{size:A4 landscape;margin:12mm}
@media print{body{background:#fff;font-size:10pt}main{box-shadow:none;margin:0;max-width:none;
padding:0}h2{break-after:avoid}tr,.figure,.banner,.bigp,.legend{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


class Html(str):
    """Markup that is already escaped: table cells pass it through as it is."""


def cell_html(value: object) -> str:
    """One cell: raw when already HTML, else escaped (a dash when empty)."""
    if isinstance(value, Html):
        return value
    return "—" if value is None or value == "" else esc(value)


def html_table(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Sequence[int] = (),
) -> Html:
    """A table; the columns in ``numeric`` are right-aligned."""

    def row(cells: Sequence[object], tag: str) -> str:
        parts = []
        for i, value in enumerate(cells):
            align = " class=num" if i in numeric else ""
            content = cell_html(value) if tag == "td" else value
            parts.append(f"<{tag}{align}>{content}</{tag}>")
        return "<tr>" + "".join(parts) + "</tr>"

    body = "".join(row(r, "td") for r in rows)
    return Html(
        f"<table><thead>{row([esc(h) for h in head], 'th')}</thead><tbody>{body}</tbody></table>"
    )


def code(text: str) -> Html:
    """Text with Markdown's `code` spans as <code>."""
    return Html(re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(text)))


def badge(text: str, kind: str = "") -> Html:
    return Html(f'<span class="badge {kind}">{esc(text)}</span>')


def task_ref(task_id: str, title: str | None = None) -> Html:
    sub = f' <span class="sub">{esc(title)}</span>' if title else ""
    return Html(f'<span class="id">{esc(task_id)}</span>{sub}')


def when(plan: Plan, seconds: int | None) -> Html | None:
    if seconds is None:
        return None
    return Html(f'<span class="when">{esc(clock(seconds, plan.zone, with_date=True))}</span>')


def figure(key: str, value: str, sub: str = "", kind: str = "") -> str:
    return (
        f'<div class="figure {kind}"><div class="k">{esc(key)}</div>'
        f'<div class="v">{esc(value)}</div><div class="s">{esc(sub)}</div></div>'
    )


def time_figure(key: str, seconds: int | None, zone: tzinfo, missing: str = "none") -> str:
    """A key figure that is a moment: the day and time, the full date beneath."""
    if seconds is None:
        return figure(key, missing, "")
    return figure(key, clock(seconds, zone), clock(seconds, zone, with_date=True))


def signed_figure(key: str, seconds: int | None, sub: str, *, late_is_positive: bool) -> str:
    """A key figure that is a signed duration, coloured by whether it is good or bad news."""
    if seconds is None:
        return figure(key, signed(seconds), sub, "")
    bad = seconds > 0 if late_is_positive else seconds < 0
    return figure(key, signed(seconds), sub, "bad" if bad else "good")


def section(title: str, *parts: str) -> str:
    anchor = re.sub(r"[^a-z]+", "-", title.lower().split(",")[0]).strip("-")
    return f"<section id='{anchor}'><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def chart_legend(items: Sequence[tuple[str, str, str]]) -> str:
    """Legend entries: (css shape class: '', 'd' diamond or 'l' line, colour, text)."""
    return (
        '<div class="legend">'
        + "".join(
            f'<span><i class="{shape}" style="background:{colour}"></i>{esc(text)}</span>'
            for shape, colour, text in items
        )
        + "</div>"
    )


def page(kicker: str, title: str, meta: str, body: Sequence[str], footer: str) -> str:
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(kicker)}: {esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<header><div class='kicker'>{esc(kicker)}</div><h1>{esc(title)}</h1>"
        f"<p class='meta'>{meta}</p></header>{''.join(body)}"
        f"<footer>{footer}</footer></main></body></html>\n"
    )


def verdict_banner(kind: str, label: str, verdict: str, advice: str, reasons: Sequence[str]) -> str:
    items = "".join(f"<li>{r}</li>" for r in reasons)
    return (
        f'<div class="banner {kind}" role="status"><div class="label">{esc(label)}</div>'
        f'<div class="verdict">{esc(verdict)}</div><p class="advice">{esc(advice)}</p>'
        f"{f'<ul>{items}</ul>' if items else ''}</div>"
    )


# --- The readiness report ---------------------------------------------------------------


def chart_block(chart: charts.Chart, legend: Sequence[tuple[str, str, str]], left_out: str) -> str:
    """A Gantt chart with its legend, and a note on the tasks it leaves out."""
    note = (
        f"<p class='note'>{chart.shown} of {chart.total} tasks shown; {left_out}.</p>"
        if chart.shown < chart.total
        else ""
    )
    return f"{chart_legend(legend)}<div class='chart'>{chart.svg}</div>{note}"

"""Render run records as one self-contained HTML page.

Figures are embedded as base64 PNG; the style sheet is inline; nothing is
fetched from the network, so the file can be mailed, archived or opened
offline.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import platform
from collections.abc import Mapping, Sequence
from typing import Any

from cooplab import __version__
from cooplab.experiments.base import FAILED, HELD, SKIPPED, SMOKE, config_dict
from cooplab.experiments.runner import RunRecord

__all__ = ["render_report"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1000px;
       margin: 2em auto; padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2.2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta, .small { color: #555; font-size: 0.9em; }
blockquote { border-left: 4px solid #0072B2; margin: 1em 0; padding: 0.3em 1em; background: #f4f8fb; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.verdict { display: inline-block; padding: 0.15em 0.7em; border-radius: 1em; font-weight: 600; color: white; }
.held { background: #009E73; } .not-held { background: #D55E00; } .failed { background: #777; }
.not-run { background: #bbb; }
.check-held::before { content: "\\2714  "; color: #009E73; }
.check-not-held::before { content: "\\2718  "; color: #D55E00; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.85em; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
nav ul { columns: 2; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _verdict_class(status: str) -> str:
    return {
        HELD: "held",
        FAILED: "failed",
        "not run": "not-run",
        SKIPPED: "not-run",
        SMOKE: "not-run",
    }.get(status, "not-held")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _kv_table(rows: Mapping[str, Any]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(_fmt(v))}</td></tr>" for k, v in rows.items())
    return f"<table>{body}</table>"


def _table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], note: str = ""
) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    note_html = f'<p class="small">{_e(note)}</p>' if note else ""
    return f"<h4>{_e(title)}</h4><table><tr>{head}</tr>{body}</table>{note_html}"


def _section(record: RunRecord | None, experiment: Any, status: str) -> str:
    exp = experiment
    parts = [
        f'<h2 id="{_e(exp.name)}">{_e(exp.section)} {_e(exp.title)} '
        f'<span class="verdict {_verdict_class(status)}">{_e(status)}</span></h2>',
        f"<blockquote><b>The note's claim (section {_e(exp.section)}).</b> {_e(exp.claim)}</blockquote>",
    ]
    if record is None:
        parts.append(
            "<p>Not run: the report was stopped (Ctrl-C) before this experiment finished.</p>"
        )
        return "\n".join(parts)
    if exp.description:
        # The docstring's title and its statement of the claim are shown above already.
        paragraphs = exp.description.strip().split("\n\n")[1:]
        summary = "\n\n".join(p for p in paragraphs if not p.lstrip().startswith("Claim"))
        if summary:
            parts.append(
                f"<details><summary>What is run</summary><pre>{_e(summary)}</pre></details>"
            )
    if record.status == SKIPPED:
        parts.append(f"<p><b>Skipped:</b> {_e(record.error)}</p>")
    if record.status == FAILED:
        parts.append(f"<p><b>The experiment failed:</b> {_e(record.error)}</p>")
        parts.append(
            f"<details><summary>Traceback</summary><pre>{_e(record.traceback)}</pre></details>"
        )
    if record.result is not None and record.status == SMOKE:
        parts.append(
            "<p><b>Smoke run:</b> the quick preset of this experiment is too short to test "
            "the claim; it shows that the whole pipeline runs. The checks below list what "
            "this short run measured, and none is called held or not held. Run the full "
            f"preset (<code>cooplab run {_e(exp.name)} --full</code>) to test the claim.</p>"
        )
        checks = "".join(
            f"<li><b>{_e(c.claim)}</b>: not tested at this budget "
            f"(this run: {'would hold' if c.held else 'would not hold'}). "
            f'<span class="small">{_e(c.detail)}</span></li>'
            for c in record.result.checks
        )
        parts.append(f"<h3>Verdict</h3><ul>{checks}</ul>")
    elif record.result is not None:
        checks = "".join(
            f'<li class="check-{"held" if c.held else "not-held"}"><b>{_e(c.claim)}</b>: '
            f'{"held" if c.held else "did not hold"}. <span class="small">{_e(c.detail)}</span></li>'
            for c in record.result.checks
        )
        parts.append(f"<h3>Verdict</h3><ul>{checks}</ul>")
    if record.result is not None:
        parts.append("<h3>Numbers</h3>" + _kv_table(record.metrics or {}))
        for table in record.tables:
            parts.append(_table(table.title, table.columns, table.rows, table.note))
        if record.figures:
            parts.append("<h3>Figures</h3>")
        for name, png in record.figures:
            data = base64.b64encode(png).decode("ascii")
            parts.append(
                f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{_e(name)}</figcaption></figure>"
            )
    run_meta = {
        "preset": record.preset,
        "seed": record.seed,
        "time (s)": round(record.seconds, 3),
        "reused a stored result": "yes" if record.reused else "no",
        "run folder": record.run_dir or "(not stored)",
    }
    parts.append("<h3>Configuration</h3>" + _kv_table(run_meta))
    if record.config is not None:
        parts.append(f"<pre>{_e(json.dumps(config_dict(record.config), indent=2))}</pre>")
    return "\n".join(parts)


def _safe_section(record: RunRecord | None, experiment: Any, status: str) -> str:
    """A section or, if drawing it fails, a section that says so: one bad
    section never costs the others."""
    try:
        return _section(record, experiment, status)
    except Exception as exc:
        return (
            f'<h2 id="{_e(experiment.name)}">{_e(experiment.title)} '
            f'<span class="verdict failed">failed</span></h2>'
            f"<p><b>This section could not be drawn:</b> {_e(type(exc).__name__)}: {_e(exc)}</p>"
        )


def render_report(
    records: Sequence[RunRecord],
    *,
    planned: Sequence[Any] = (),
    title: str = "cooplab report",
    meta: Mapping[str, Any] | None = None,
) -> str:
    """The report page for ``records``.

    Parameters
    ----------
    records
        The finished runs, in report order.
    planned
        Every experiment the report was asked to run; those without a record
        (interrupted) get a "not run" section.
    meta
        Extra run information (preset, seed, backend) shown at the top.
    """
    by_name = {r.experiment.name: r for r in records}
    experiments = list(planned) or [r.experiment for r in records]
    statuses = {
        e.name: by_name[e.name].status if e.name in by_name else "not run" for e in experiments
    }
    counts = {
        s: sum(1 for v in statuses.values() if v == s) for s in dict.fromkeys(statuses.values())
    }
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = {
        "cooplab": __version__,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "written": stamp,
        **(meta or {}),
    }
    toc = "".join(
        f'<li><a href="#{_e(e.name)}">{_e(e.section)} {_e(e.title)}</a> '
        f'<span class="verdict {_verdict_class(statuses[e.name])}">{_e(statuses[e.name])}</span></li>'
        for e in experiments
    )
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    sections = "\n".join(
        _safe_section(by_name.get(e.name), e, statuses[e.name]) for e in experiments
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{_e(title)}</h1>
<p class="meta">The claims of the founding note on multi-agent coordination, each turned into an
experiment and checked against the numbers it computes. Summary: {_e(summary)}.</p>
{_kv_table(info)}
<nav><ul>{toc}</ul></nav>
{sections}
<p class="small">Rerun with the same seed and configuration to get the same numbers; stored results are
reused unless <code>--fresh</code> is given.</p>
</body>
</html>
"""

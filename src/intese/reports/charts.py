"""Charts of the reports, drawn by matplotlib as SVG and embedded as data: URLs.

Each chart comes with a text alternative; the page puts the table of its data next to it, so
no information is given by the picture (or by colour) alone. Statuses differ by hatching as
well as by colour. The object API is used (no pyplot): safe in threads and workers.
"""

import base64
import io
from dataclasses import dataclass

import matplotlib
from django.utils.formats import number_format
from matplotlib.figure import Figure as Canvas

from intese.monitoring.status import STATUS_ORDER, Status

# Colours of Bootstrap Italia's palette; each status has its own hatching too.
STYLE = {
    Status.DONE: ("#00574b", ""),
    Status.ON_TRACK: ("#008055", "//"),
    Status.NOT_STARTED: ("#5d7083", ".."),
    Status.AT_RISK: ("#a66300", "\\\\"),
    Status.LATE: ("#d9364f", "xx"),
    Status.MISSING: ("#e6e9f2", ""),
}
RC = {
    "svg.fonttype": "none",  # text stays text: searchable, and smaller
    "svg.hashsalt": "intese",  # the same data give the same file
    "font.family": ["DejaVu Sans", "Liberation Sans", "sans-serif"],
    "font.size": 9,
    "hatch.color": "#ffffff",
}


@dataclass
class Chart:
    src: str  # data: URL of the SVG
    alt: str


def _svg(canvas: Canvas) -> str:
    buffer = io.BytesIO()
    canvas.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _height(groups: int) -> float:
    return 1.2 + 0.45 * max(groups, 1)


def _categories(axes, groups) -> None:
    """One row per group, named, top to bottom; the x axis in percent."""
    axes.set_yticks(range(len(groups)), [label for label, _figure in groups])
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.invert_yaxis()
    axes.spines[["top", "right"]].set_visible(False)


def status_distribution(groups, *, alt: str) -> Chart:
    """Stacked bars: the share of commitment weight in each status, one bar per group.

    `groups` are (label, FigureView) pairs.
    """
    with matplotlib.rc_context(RC):
        canvas = Canvas(figsize=(7.5, _height(len(groups))))
        axes = canvas.subplots()
        positions = range(len(groups))
        left = [0.0] * len(groups)
        for status in STATUS_ORDER:
            shares = [
                100 * figure.figure.weights.get(status, 0) / figure.total_weight
                if figure.total_weight
                else 0
                for _label, figure in groups
            ]
            colour, hatch = STYLE[status]
            axes.barh(
                positions,
                shares,
                left=left,
                color=colour,
                hatch=hatch,
                edgecolor="#1a1a1a",
                linewidth=0.4,
                label=str(Status(status).label),
            )
            left = [a + b for a, b in zip(left, shares, strict=True)]
        _categories(axes, groups)
        axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        return Chart(_svg(canvas), alt)


def _progress_label(figure, missing_label: str, empty_label: str) -> str:
    if not figure.has_commitments:
        return empty_label
    if figure.progress is None:
        return missing_label
    return f"{number_format(figure.progress, 1)} %"


def progress_bars(groups, *, alt: str, missing_label: str, empty_label: str) -> Chart:
    """Horizontal bars of progress (0-100 %); a group without data says so in words."""
    with matplotlib.rc_context(RC):
        canvas = Canvas(figsize=(7.5, _height(len(groups))))
        axes = canvas.subplots()
        positions = range(len(groups))
        values = [float(f.progress) if f.progress is not None else 0 for _label, f in groups]
        axes.barh(positions, [100] * len(groups), color="#e6e9f2", edgecolor="#5d7083", lw=0.4)
        axes.barh(positions, values, color="#0066cc", edgecolor="#003366", linewidth=0.4)
        for position, (_label, figure) in enumerate(groups):
            text = _progress_label(figure, missing_label, empty_label)
            axes.text(102, position, text, va="center", ha="left", clip_on=False)
        _categories(axes, groups)
        return Chart(_svg(canvas), alt)

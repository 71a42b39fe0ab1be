"""A series as a small inline SVG line: the brief's sparkline, drawn without JavaScript.

The line starts from a zero baseline (a flat line near the top is a steady series, not a
flat one near zero), a year with nothing recorded sits on the baseline, and the last year is
marked with a dot. The values travel in the SVG's ``<title>`` and ``aria-label``, so a screen
reader and a tooltip give the numbers the line stands for.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["sparkline_svg"]

WIDTH, HEIGHT, PAD = 96, 22, 2.5
COLOR = "#4c78a8"


def sparkline_svg(values: Sequence[float | None], label: str) -> Markup:
    """``values`` (one per year, None or 0 for nothing recorded) as an inline ``<svg>``;
    ``label`` says what they are (it becomes the title and the accessible name)."""
    numbers = [float(v) if v is not None else 0.0 for v in values]
    top = max(numbers, default=0.0)
    n = len(numbers)
    if n == 0:
        return Markup("")
    step = (WIDTH - 2 * PAD) / (n - 1) if n > 1 else 0.0
    points = [
        (PAD + i * step, HEIGHT - PAD - (v / top * (HEIGHT - 2 * PAD) if top > 0 else 0.0))
        for i, v in enumerate(numbers)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    last_x, last_y = points[-1]
    text = escape(label)
    return Markup(
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{text}">'
        f"<title>{text}</title>"
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#ccc" stroke-width="1"/>'
        f'<polyline points="{path}" fill="none" stroke="{COLOR}" stroke-width="1.5" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2" fill="{COLOR}"/>'
        "</svg>"
    )

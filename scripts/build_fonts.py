"""Build the reduced bold font the PDFs use for headings from the shipped DejaVu Sans Bold.

    python scripts/build_fonts.py          # writes src/tradepivot/reports/fonts/DejaVuSans-Bold-LGC.ttf
    python scripts/build_fonts.py --check  # exit 1 when the shipped file is not what this builds

Why: fpdf2 parses and subsets every embedded font afresh in every PDF, and the cost grows
with the font's glyph count. Bold is used for titles and headings only; DejaVu Sans Bold has
5,900 characters, its Latin, Greek and Cyrillic part 1,600. The reduced font cuts an agenda's
PDF time by about a quarter (0.156 s to 0.116 s, benchmarks/README.md). A bold character
outside these ranges (an Armenian or Georgian name in a heading) is printed from the full
regular DejaVu Sans, the PDFs' fallback font, so nothing is lost but the weight.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from fontTools import subset, ttLib

from tradepivot.reports.agenda import BOLD_RANGES

FONTS = Path(__file__).resolve().parent.parent / "src" / "tradepivot" / "reports" / "fonts"
SOURCE = FONTS / "DejaVuSans-Bold.ttf"
TARGET = FONTS / "DejaVuSans-Bold-LGC.ttf"


def build() -> bytes:
    """The reduced font's bytes (the same every run: no timestamps are recalculated)."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.recalc_timestamp = False
    font = ttLib.TTFont(SOURCE, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in BOLD_RANGES for c in range(low, high + 1)])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    built = build()
    if args.check:
        same = TARGET.is_file() and TARGET.read_bytes() == built
        print("up to date" if same else f"{TARGET.name} differs: run scripts/build_fonts.py")
        return 0 if same else 1
    TARGET.write_bytes(built)
    print(f"wrote {TARGET} ({len(built):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

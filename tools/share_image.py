"""Draw the link-preview pictures (Open Graph, Twitter cards): static/img/share-hi.png and share-en.png.

Run once, after changing the words or the look, and commit the pictures:

    .venv/bin/python tools/share_image.py

1200 x 630 (what WhatsApp, Facebook and X show as a large card), in the site's colours, in 16 colours
so each is a few tens of KB. Needs Debian's Noto fonts (fonts-noto-core) and Pillow with libraqm for
Devanagari's conjuncts (the wheels have it). No address is drawn: SITE_URL differs per deployment,
and the card shows the link's own address under the picture.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

ROOT = Path(__file__).resolve().parents[1]
FONTS = Path("/usr/share/fonts/truetype/noto")
SIZE = (1200, 630)
LATIN = re.compile(r"([A-Za-z]+)")
BLUE, RED, INK, PAPER, PALE_RED = "#09468c", "#9a001b", "#1a1a1a", "#fafafa", "#fff4f4"

WORDS = {
    "hi": {
        "font": "NotoSansDevanagari",
        "official": "आधिकारिक",
        "headline": "अपनी नई खाता संख्या खोजें",
        "subline": "पुरानी खाता संख्या से, मुफ़्त",
        "warning": "KESCO कभी WhatsApp या फ़ोन पर भुगतान नहीं माँगता।",
        "helpline": "हेल्पलाइन 1912",
    },
    "en": {
        "font": "NotoSans",
        "official": "official",
        "headline": "Find your new account number",
        "subline": "from your old account number, free",
        "warning": "KESCO never asks for payment on WhatsApp or by phone.",
        "helpline": "Helpline 1912",
    },
}


def _font(family: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    weight = "Bold" if bold else "Regular"
    return ImageFont.truetype(str(FONTS / f"{family}-{weight}.ttf"), size, layout_engine=ImageFont.Layout.RAQM)


def _runs(text: str, family: str) -> list[tuple[str, str]]:
    """The text cut into runs for one font each: Noto's Devanagari font has no Latin letters (KESCO)."""
    if family == "NotoSans":
        return [(text, family)]
    return [(run, "NotoSans" if run.isascii() and run.isalpha() else family) for run in LATIN.split(text) if run]


def _line(canvas: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, family: str, size: int, **style) -> None:
    """One line of text, each run in its font, shrunk until it fits `width` (if given)."""
    bold, width, fill = style.get("bold", False), style.get("width"), style.get("fill", INK)
    while True:
        runs = [(run, _font(run_family, size, bold)) for run, run_family in _runs(text, family)]
        if width is None or size <= 20 or sum(canvas.textlength(run, font=font) for run, font in runs) <= width:
            break
        size -= 2
    x, y = xy
    for run, font in runs:
        canvas.text((x, y), run, font=font, fill=fill, anchor="ls")
        x += canvas.textlength(run, font=font)


def draw(language: str) -> Image.Image:
    words = WORDS[language]
    family = words["font"]
    image = Image.new("RGB", SIZE, PAPER)
    canvas = ImageDraw.Draw(image)
    width = SIZE[0]
    margin = 70
    # The header band, as on the site: the name, and "official".
    canvas.rectangle((0, 0, width, 150), fill=BLUE)
    canvas.text((margin, 75), "KESCO", font=_font("NotoSans", 84, bold=True), fill="white", anchor="lm")
    canvas.text((width - margin, 75), words["official"], font=_font(family, 48, bold=True), fill="white", anchor="rm")
    # What the site does, in the words people search for (baselines: both scripts sit on one line).
    _line(canvas, (margin, 262), words["headline"], family, 76, bold=True, width=width - 2 * margin)
    _line(canvas, (margin, 345), words["subline"], family, 48)
    # The warning, as the site's warning box draws it.
    box = (margin - 20, 410, width - margin + 20, 580)
    canvas.rectangle(box, fill=PALE_RED, outline=RED, width=6)
    _line(canvas, (margin + 10, 478), words["warning"], family, 44, bold=True, width=box[2] - box[0] - 60, fill=RED)
    _line(canvas, (margin + 10, 548), words["helpline"], family, 44, bold=True)
    # 16 colours: the flat areas and the text's smoothing, at a fraction of a full-colour PNG's bytes.
    return image.quantize(colors=16, dither=Image.Dither.NONE)


def main() -> int:
    if not features.check("raqm"):
        print("Pillow without libraqm would draw Devanagari without its conjuncts; not drawn.", file=sys.stderr)
        return 1
    for language in WORDS:
        path = ROOT / "static" / "img" / f"share-{language}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        draw(language).save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

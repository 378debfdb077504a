"""The dashboard's SVG charts drawn as PNG for the DOCX and the PDF, so print shows the same
charts as the page (no browser, no external program: Pillow and the bundled font).

Only the SVG that charts.py writes is read: rect, line and text elements with plain attributes.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from tongket.reports.charts import INK

_SVG = "{http://www.w3.org/2000/svg}"
_FONT = Path(__file__).resolve().parent / "fonts" / "LiberationSerif-Regular.ttf"
# Drawn at three times the SVG's units: sharp at the 150 mm a page gives it.
SCALE = 3
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


# Our own SVG, yet parsed as any input: no entities, no network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode(), parser=_PARSER)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FONT), size)


def _number(element: etree._Element, name: str) -> float:
    return float(element.get(name, "0"))


def svg_size(svg: str) -> tuple[float, float]:
    """The chart's width and height in SVG units, from its viewBox."""
    box = _parse(svg).get("viewBox", "0 0 640 280").split()
    return float(box[2]), float(box[3])


def svg_to_png(svg: str) -> bytes:
    """Rasterise one of charts.py's SVG charts on a white ground."""
    root = _parse(svg)
    width, height = svg_size(svg)
    image = Image.new("RGB", (round(width * SCALE), round(height * SCALE)), "white")
    draw = ImageDraw.Draw(image)
    for element in root.iter():
        tag = str(element.tag).removeprefix(_SVG)
        if tag == "rect":
            x, y = _number(element, "x") * SCALE, _number(element, "y") * SCALE
            w, h = _number(element, "width") * SCALE, _number(element, "height") * SCALE
            if w > 0 and h > 0:
                draw.rectangle((x, y, x + w, y + h), fill=element.get("fill", INK))
        elif tag == "line":
            draw.line(
                tuple(_number(element, n) * SCALE for n in ("x1", "y1", "x2", "y2")),
                fill=element.get("stroke", INK),
                width=SCALE,
            )
        elif tag == "text" and element.text:
            size = round(_number(element, "font-size") * SCALE) or 12 * SCALE
            draw.text(
                (_number(element, "x") * SCALE, _number(element, "y") * SCALE),
                element.text,
                fill=element.get("fill", INK),
                font=_font(size),
                anchor=_ANCHORS.get(element.get("text-anchor", "start"), "ls"),
            )
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

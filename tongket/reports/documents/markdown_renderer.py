"""Markdown rendering of an official Party document: the same text as the DOCX and the PDF."""

from __future__ import annotations

import re
import unicodedata

from tongket.core.text import is_digits
from tongket.reports.documents import model

# CommonMark's backslash line break keeps a block's lines together without trailing spaces.
_BREAK = "\\\n"
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|])")
# What would turn a line into a heading, a list item, a quote or a rule if left as is.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")


def escape(text: str, *, line_start: bool = True) -> str:
    """Escape what Markdown would read as markup, so the text shows exactly as written."""
    escaped = _INLINE_SPECIALS.sub(r"\\\1", unicodedata.normalize("NFC", text))
    if not line_start:
        return escaped
    match = _LINE_START.match(escaped)
    if match is None:
        return escaped
    indent, marker = match.groups()
    rest = escaped[match.end() :]
    # Only ASCII punctuation takes a backslash: "2020." becomes "2020\.", never "\2020.".
    if is_digits(marker):
        return f"{indent}{marker}\\{rest}"
    return f"{indent}\\{marker}{rest}"


def render_markdown(doc: model.OfficialDocument) -> str:
    """The document as Markdown, block by block in the order HD 36 lays it out."""
    parts: list[str] = [
        _lines(
            escape(_caps(doc.superior_body)),
            _strong(_caps(doc.issuer_body)),
            escape(model.ISSUER_MARK),
            escape(doc.number_text),
        ),
        _lines(_strong(model.PARTY_MOTTO), _emphasis(doc.place_date_text)),
        "# " + escape(_caps(doc.kind.name)),
        _lines(_strong(doc.summary), escape(model.SUMMARY_RULE)),
    ]
    parts.extend(_block(block) for block in doc.body)
    if doc.recipients:
        parts.append(model.RECIPIENTS_LABEL + "\n\n" + _bullets(doc.recipients))
    for signature in (doc.countersignature, doc.signature):
        if signature is not None:
            lines = [_strong(line) for line in signature.heading_lines]
            parts.append(_lines(*lines, _strong(signature.name)))
    if doc.annex:
        parts.append("---")
        parts.append(_lines(*(_strong(line) for line in doc.annex_title.split("\n"))))
        parts.extend(_block(block) for block in doc.annex)
    return "\n\n".join(parts) + "\n"


def _block(block: model.Block) -> str:
    if isinstance(block, model.Heading):
        return "#" * (block.level + 1) + " " + escape(block.text)
    if isinstance(block, model.Paragraph):
        return "".join(_run(run, line_start=i == 0) for i, run in enumerate(block.spans))
    if isinstance(block, model.BulletList):
        return _bullets(block.items)
    if isinstance(block, model.Table):
        return _table(block)
    if isinstance(block, model.PageBreak):
        return "---"
    if isinstance(block, model.Figure):
        # Plain text has no picture: the chart's figures stand in its place.
        return _table(block.table) if block.table is not None else escape(block.caption)
    raise TypeError(f"Khối nội dung không được hỗ trợ: {type(block).__name__}")


def _table(table: model.Table) -> str:
    header = "| " + " | ".join(_cell(h) for h in table.headers) + " |"
    rule = "|" + "|".join(" --- " for _ in table.headers) + "|"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
    lines = [header, rule, *rows]
    if table.caption:
        lines.insert(0, _strong(table.caption) + "\n")
    return "\n".join(lines)


def _cell(text: str) -> str:
    # A cell holds one line; a line break inside it would end the table row.
    return escape(" ".join(text.split()))


def _bullets(items: tuple[str, ...]) -> str:
    return "\n".join("- " + escape(item) for item in items)


def _run(run: model.Run, *, line_start: bool) -> str:
    if not run.text.strip() or not (run.bold or run.italic):
        return escape(run.text, line_start=line_start)
    # Emphasis markers must touch the words: "** bold**" is not bold in CommonMark.
    stripped = run.text.strip()
    lead = run.text[: len(run.text) - len(run.text.lstrip())]
    trail = run.text[len(run.text.rstrip()) :]
    marker = ("**" if run.bold else "") + ("*" if run.italic else "")
    # Behind an emphasis marker a "#" or "1." no longer starts a line: no escape needed.
    return f"{lead}{marker}{escape(stripped, line_start=False)}{marker[::-1]}{trail}"


def _lines(*lines: str) -> str:
    return _BREAK.join(lines)


def _strong(text: str) -> str:
    return f"**{escape(text.strip(), line_start=False)}**"


def _emphasis(text: str) -> str:
    return f"*{escape(text.strip(), line_start=False)}*"


def _caps(text: str) -> str:
    return unicodedata.normalize("NFC", text).upper()

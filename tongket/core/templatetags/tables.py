"""`{% data_table %}`: the frame every list table on the site shares, drawn in one place.

    {% load tables %}
    {% data_table _("Tên") _("Mã") _("Số đảng viên")|numeric caption=_("…") testid="children" %}
      {% for child in children %}<tr>…</tr>{% endfor %}
    {% enddata_table %}

draws the scrolling wrapper, the table (with its `data-testid` when given), the caption when
given, the header row (one column label a positional argument, `|numeric` right-aligns a column
of figures) and the body around what stands between the tags. With `empty="…"`, a body without
rows draws that notice (core/_empty.html) in place of the table, as list pages do. Tables whose
header changes with the page (a column shown only to some) keep their markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.template import Engine
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.safestring import mark_safe
from django.utils.text import smart_split

register = template.Library()


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@register.filter
def numeric(label: object) -> Column:
    """A column of figures: its header is right-aligned like its cells."""
    return Column(str(label), numeric=True)


class DataTableNode(template.Node):
    def __init__(
        self,
        columns: list[FilterExpression],
        options: dict[str, FilterExpression],
        nodelist: NodeList,
    ) -> None:
        self.columns = columns
        self.options = options
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        options = {name: option.resolve(context) for name, option in self.options.items()}
        body = mark_safe(self.nodelist.render(context))  # noqa: S308 - drawn by the engine
        engine = Engine.get_default()
        if "empty" in options and not body.strip():
            with context.push(message=options["empty"]):
                return engine.get_template("core/_empty.html").render(context)
        columns = [self.column(expression.resolve(context)) for expression in self.columns]
        # Every option the frame reads, None unless the tag gives it: a page's own `caption` or
        # `testid` must not reach a table that did not ask for one.
        drawn = dict.fromkeys(OPTIONS) | options
        with context.push(drawn, columns=columns, body=body):
            return engine.get_template("core/_data_table.html").render(context)

    @staticmethod
    def column(value: object) -> Column:
        return value if isinstance(value, Column) else Column(str(value))


OPTIONS = frozenset({"caption", "testid", "empty"})


@register.tag("data_table")
def data_table(parser: Parser, token: Token) -> DataTableNode:
    # smart_split, not split_contents: the latter cuts `_("Số đảng viên")|numeric` apart.
    bits = list(smart_split(token.contents))[1:]
    columns = []
    while bits and "=" not in bits[0].split("|")[0].split("(")[0]:
        columns.append(parser.compile_filter(bits.pop(0)))
    options = token_kwargs(bits, parser)
    if bits or not columns or set(options) - OPTIONS:
        raise template.TemplateSyntaxError(
            'Cú pháp: {% data_table _("Cột") ... [caption=…] [testid="…"] [empty=…] %}'
        )
    nodelist = parser.parse(("enddata_table",))
    parser.delete_first_token()
    return DataTableNode(columns, options, nodelist)

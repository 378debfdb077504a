"""Choosing an organization in a form, whatever the size of the user's scope.

A user of one department chooses among a handful of organizations: a drop-down list. A
province's office chooses among tens of thousands, a superuser among 370,000 at national size:
a list of every one weighed 30 MB and took 15 s to build. Past `PICKER_LIMIT` choices the field
becomes a box for the organization's code whose suggestions (a `<datalist>`) come from
`people:organization_suggest` as the user types its name or code, among the same organizations
(`choices_for`); the code sent is checked against them on submit all the same.

`purpose` names the set the suggestions come from; it must be the set the form was given:
- "read" (the default): every organization the user may see;
- "write": party organizations the user writes for (a new member, a transfer, a meeting, a
  program; a cycle with `kinds`);
- "admin": organizations the user administers (the parent of a new organization);
- "agency": government agencies an organization may sit in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tongket.accounts.scope import User, prefixes_q, scope_for
from tongket.core.text import fold
from tongket.people import selectors
from tongket.people.models import Member, Organization, OrganizationKind

PICKER_LIMIT = 200  # more choices than this: a code box with suggestions
SUGGEST_LIMIT = 20
HELP = "Gõ mã hoặc vài chữ của tên tổ chức rồi chọn trong danh sách gợi ý."


def _administered(user: User | None) -> QuerySet[Organization]:
    scope = scope_for(user)
    inside = Q() if scope.is_superuser else prefixes_q("path", scope.admin_paths)
    return Organization.objects.filter(inside).exclude(kind=OrganizationKind.CELL)


def _administered_any(user: User | None) -> QuerySet[Organization]:
    """Every organization (cells and agencies too) in the user's administered subtrees: the
    accounts and grants an office manages."""
    scope = scope_for(user)
    return Organization.objects.filter(
        Q() if scope.is_superuser else prefixes_q("path", scope.admin_paths)
    )


PURPOSES: dict[str, Callable[[User | None], QuerySet[Organization]]] = {
    "read": selectors.visible_organizations,
    "write": selectors.writable_party_organizations,
    "admin": _administered,
    "accounts": _administered_any,
    "agency": selectors.agencies_for,
}


def choices_for(
    purpose: str, user: User | None, kinds: Sequence[str] = ()
) -> QuerySet[Organization] | None:
    """The organizations a picker of this purpose offers the user (None: no such purpose)."""
    found = PURPOSES.get(purpose)
    if found is None:
        return None
    organizations = found(user)
    return organizations.filter(kind__in=kinds) if kinds else organizations


def suggestions(organizations: QuerySet[Organization], text: str) -> list[Organization]:
    """Up to `SUGGEST_LIMIT` of the organizations whose name or code matches, by path."""
    if not fold(text):
        found = organizations.order_by("path")[:SUGGEST_LIMIT]
    else:
        # Any matches, not the first by path: ordering every match first costs as much as
        # the matches are many (every "chi bộ" of a country); the few are sorted here.
        found = selectors.organizations_matching(organizations, text).order_by()[:SUGGEST_LIMIT]
    return sorted(found, key=lambda org: org.path)


def organization_choices(orgs: Iterable[Organization]) -> list[tuple[str, str]]:
    return [(org.code, f"{org.name} ({org.code})") for org in orgs]


def _with_hint(help_text: Any, hint: str) -> str:
    return " ".join(part for part in (str(help_text or ""), hint) if part)


class SuggestionInput(forms.TextInput):
    """A text box followed by its `<datalist>`, which htmx fills from `url_name` as the user
    types (the box's value is sent under its own name, which `field` names)."""

    url_name = ""
    trigger = "input changed delay:250ms"

    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false"})

    def query(self, name: str) -> dict[str, str]:
        return {"field": name}

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        attrs = dict(attrs or {})
        options = f"{attrs.get('id') or f'id_{name}'}-options"
        attrs.update(
            {
                "list": options,
                "hx-get": f"{reverse(self.url_name)}?{urlencode(self.query(name))}",
                "hx-trigger": self.trigger,
                "hx-target": f"#{options}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        box = super().render(name, value, attrs, renderer)
        return mark_safe(box + format_html('<datalist id="{}"></datalist>', options))  # noqa: S308 - both parts escaped


class OrganizationCodeInput(SuggestionInput):
    """A box for an organization's code, with suggestions from `people:organization_suggest`."""

    url_name = "people:organization_suggest"
    trigger = "input changed delay:250ms, focus once"

    def __init__(self, purpose: str, kinds: Sequence[str] = ()) -> None:
        super().__init__()
        self.purpose = purpose
        self.kinds = tuple(kinds)

    def query(self, name: str) -> dict[str, str]:
        query = {"for": self.purpose, **super().query(name)}
        if self.kinds:
            query["kinds"] = ",".join(self.kinds)
        return query


class OrganizationChoiceField(forms.ChoiceField):
    """An organization among those the form is given, posted by its code (cleaned: the code)."""

    def __init__(self, *, purpose: str, kinds: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)
        self.purpose = purpose
        self.kinds = tuple(kinds)
        self.organizations: QuerySet[Organization] | None = None

    def set_organizations(
        self, organizations: QuerySet[Organization] | Sequence[Organization]
    ) -> None:
        """Offer these: a drop-down while they are few (a list always), else the code box."""
        if not isinstance(organizations, QuerySet):
            self.choices = organization_choices(organizations)
            return
        few = list(organizations[: PICKER_LIMIT + 1])
        if len(few) <= PICKER_LIMIT:
            self.choices = organization_choices(few)
            return
        self.organizations = organizations
        self.widget = OrganizationCodeInput(self.purpose, self.kinds)
        self.widget.is_required = self.required
        self.help_text = _with_hint(self.help_text, HELP)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip()

    def valid_value(self, value: Any) -> bool:
        if self.organizations is None:
            return super().valid_value(value)
        return self.organizations.filter(code=str(value)).exists()


class OrganizationChoiceForm(forms.Form):
    """A form whose `organization` field (an OrganizationChoiceField) offers the organizations it
    is given."""

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization] | Sequence[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organization = self.fields["organization"]
        assert isinstance(organization, OrganizationChoiceField)
        organization.set_organizations(organizations)


class MemberCardInput(SuggestionInput):
    """A box for a member's card number, with suggestions from `people:member_suggest` among
    the members of one organization's subtree that the user may see."""

    url_name = "people:member_suggest"

    def __init__(self, within: str) -> None:
        super().__init__()
        self.within = within

    def query(self, name: str) -> dict[str, str]:
        return {"within": self.within, **super().query(name)}


CODES_HELP = "Mã các tổ chức, cách nhau bởi dấu phẩy, dấu cách hoặc xuống dòng."
MEMBER_HELP = "Gõ số thẻ hoặc họ tên (không cần dấu) rồi chọn trong danh sách gợi ý."


class MemberChoiceField(forms.ChoiceField):
    """A member among those the form is given, posted by card number, cleaned to the Member: a
    drop-down while they are few, else a card box with suggestions from the organization's
    subtree (a province's meeting may name any of 589,000 members)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)
        self.members: QuerySet[Member] = Member.objects.none()

    def set_members(self, members: QuerySet[Member], *, within: Organization | None) -> None:
        self.members = members
        few = list(members[: PICKER_LIMIT + 1])
        if len(few) <= PICKER_LIMIT or within is None:
            self.choices = [("", "— chọn đảng viên —")] + [
                (m.card_number, f"{m.full_name} ({m.card_number})") for m in few
            ]
            return
        self.widget = MemberCardInput(within.code)
        self.widget.is_required = self.required
        self.help_text = _with_hint(self.help_text, MEMBER_HELP)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip()

    def valid_value(self, value: Any) -> bool:
        return self.members.filter(card_number=str(value)).exists()

    def clean(self, value: Any) -> Member | None:
        card = super().clean(value)
        return self.members.get(card_number=card) if card else None


class OrganizationsField(forms.MultipleChoiceField):
    """Several organizations among those the form is given, cleaned to a list of them: check
    boxes while they are few, else a box of codes (separated by commas, spaces or lines),
    each checked against them (a province's program may concern any of its 40,000)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=(), widget=forms.CheckboxSelectMultiple, **kwargs)
        self.organizations: QuerySet[Organization] = Organization.objects.none()
        self.typed = False

    def set_organizations(self, organizations: QuerySet[Organization]) -> None:
        self.organizations = organizations
        few = list(organizations[: PICKER_LIMIT + 1])
        if len(few) <= PICKER_LIMIT:
            self.choices = organization_choices(few)
            return
        self.typed = True
        self.widget = forms.Textarea(attrs={"rows": 2, "spellcheck": "false"})
        self.widget.is_required = self.required
        self.help_text = _with_hint(self.help_text, CODES_HELP)

    def prepare_value(self, value: Any) -> Any:
        if not self.typed or isinstance(value, str) or value is None:
            return value
        return ", ".join(getattr(item, "code", str(item)) for item in value)

    def to_python(self, value: Any) -> list[str]:
        if self.typed and isinstance(value, str):
            value = value.replace(",", " ").split()
        return [str(v).strip() for v in super().to_python(value) if str(v).strip()]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        known = set(self.organizations.filter(code__in=value).values_list("code", flat=True))
        unknown = [code for code in value if code not in known]
        if unknown:
            raise forms.ValidationError(
                "Không có trong danh sách được chọn: " + ", ".join(unknown) + ".",
                code="invalid_choice",
            )

    def clean(self, value: Any) -> list[Organization]:
        codes = super().clean(value)
        found = {org.code: org for org in self.organizations.filter(code__in=codes)}
        return [found[code] for code in dict.fromkeys(codes)]

"""The tree's import graph (grimp) keeps the layout docs/directory-structure.md describes: no
import circle, the workbook engine and the API base are the only parts of `exchange` a domain
app reaches, `exchange` reaches domain apps only through their public modules, and the people
app's set-based writes and shared checks stay private to it."""

from __future__ import annotations

import functools

import grimp

DOMAIN_APPS = ("people", "evaluation", "scoring", "awards", "programs", "meetings", "reports")
# The workbook engine (sheets, import, export, what sheets share) and the REST API's base.
EXCHANGE_FOR_APPS = frozenset(
    {
        "tongket.exchange.workbook",
        "tongket.exchange.importer",
        "tongket.exchange.exporter",
        "tongket.exchange.rows",
        "tongket.exchange.api",
    }
)
# What one app offers another (STYLE.md: apps talk through services, selectors and domain).
PUBLIC = ("selectors", "services", "domain", "permissions")
PEOPLE_PRIVATE = ("tongket.people.checks", "tongket.people.bulk")


@functools.cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("tongket", exclude_type_checking_imports=False)


def _is_test(module: str) -> bool:
    return ".tests" in module or module.endswith(".conftest")


def _imports() -> list[tuple[str, str]]:
    g = graph()
    return [
        (importer, imported)
        for importer in sorted(g.modules)
        if not _is_test(importer)
        for imported in sorted(g.find_modules_directly_imported_by(importer))
    ]


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _circles(edges: list[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    following: dict[str, list[str]] = {}
    for importer, imported in edges:
        following.setdefault(importer, []).append(imported)
        following.setdefault(imported, [])
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for other in following[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(following):
        if module not in order:
            visit(module)
    return found


def test_the_circle_finder_finds_a_circle_of_three():
    assert _circles([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == [["a", "b", "c"]]


def test_no_module_of_the_tree_imports_itself_back():
    assert _circles(_imports()) == []


def test_domain_apps_reach_exchange_only_through_the_workbook_engine_and_the_api_base():
    wrong = [
        (importer, imported)
        for importer, imported in _imports()
        if _app(importer) in DOMAIN_APPS
        and _app(imported) == "exchange"
        and imported not in EXCHANGE_FOR_APPS
    ]
    assert wrong == []


def test_exchange_reaches_domain_apps_only_through_their_public_modules():
    wrong = [
        (importer, imported)
        for importer, imported in _imports()
        if _app(importer) == "exchange"
        and _app(imported) in DOMAIN_APPS
        and imported.split(".")[-1] not in PUBLIC
    ]
    assert wrong == []


def test_the_people_apps_checks_and_set_based_writes_are_private_to_it():
    wrong = [
        (importer, imported)
        for importer, imported in _imports()
        if imported in PEOPLE_PRIVATE and _app(importer) != "people"
    ]
    assert wrong == []


def test_the_api_router_sits_beside_the_projects_urls():
    assert "tongket.api_urls" in graph().modules
    assert "tongket.exchange.api_urls" not in graph().modules

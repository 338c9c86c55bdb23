"""No module of the app imports itself through others: import cycles stay gone.

The cycles that were removed (core binding ↔ loader ↔ reference, ui session ↔ undo_commands,
ui field_panel ↔ master_detail, core → services → core) hid which module owns what. Every import
counts, also those inside functions and under ``TYPE_CHECKING``: a type-only cycle still ties
two modules' designs together (a Protocol in the lower module breaks it, as in undo_commands).
The import-linter ``acyclic_siblings`` contract says the same in CI; this test names the modules.
"""

from __future__ import annotations

import grimp
import pytest

from cets_desktop.ui import master_detail, undo_commands


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return sorted(found)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("cets_desktop", cache_dir=None)


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    cycles = _cycles(graph, "cets_desktop")
    assert cycles == [], "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("cets_desktop.core.binding", "cets_desktop.core.loader"),
        ("cets_desktop.core.binding", "cets_desktop.core.reference"),
        ("cets_desktop.core.evaluation_context", "cets_desktop.core.reference"),
        ("cets_desktop.ui.undo_commands", "cets_desktop.ui.session"),
        ("cets_desktop.ui.master_detail", "cets_desktop.ui.field_panel"),
    ],
)
def test_the_removed_cycles_stay_removed(graph: grimp.ImportGraph, importer: str, imported: str) -> None:
    # The direction that closed each cycle: not even through other modules.
    assert graph.find_shortest_chain(importer=importer, imported=imported) is None


def test_core_does_not_reach_the_application_layers(graph: grimp.ImportGraph) -> None:
    for upper in ("cets_desktop.services", "cets_desktop.workflow", "cets_desktop.ui", "cets_desktop.cli"):
        if upper not in graph.modules:
            continue
        chain = graph.find_shortest_chains(importer="cets_desktop.core", imported=upper, as_packages=True)
        assert not chain, f"core reaches {upper}: {sorted(chain)}"


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The check above is only worth something if it sees a real cycle.
    graph = grimp.ImportGraph()
    for name in ("app", "app.a", "app.b", "app.c"):
        graph.add_module(name)
    graph.add_import(importer="app.a", imported="app.b")
    graph.add_import(importer="app.b", imported="app.a")
    graph.add_import(importer="app.c", imported="app.a")
    assert _cycles(graph, "app") == [["app.a", "app.b"]]


def test_the_protocols_that_replaced_the_imports_are_what_the_real_classes_offer() -> None:
    # FilingSession and FieldPanel satisfy the protocols structurally; a rename on one side
    # would silently break undo or master-detail, so check the names exist.
    from cets_desktop.ui.field_panel import FieldPanel
    from cets_desktop.ui.session import FilingSession

    for name in ("_apply_value", "_apply_rows", "_apply_part"):
        assert name in vars(undo_commands.EditTarget) and callable(getattr(FilingSession, name))
    for name in ("set_base", "focus", "currentPathChanged", "explainRequested"):
        assert hasattr(FieldPanel, name), name
    assert {"rows", "repeats"} <= set(master_detail.DetailPanel.__annotations__)

"""The shape of the code, checked from its imports (read with `ast`, nothing imported).

- A domain package imports only the packages below it (docs/ARCHITECTURE.md draws them).
- The domain never imports the web layer, the HTTP layer, the CLI, mail delivery or Reflex.
- No module of `portal/` takes part in an import cycle.
- Tests share helpers through `tests/support/` (and the layer harnesses), never by
  importing another test module.
- Pages and routes are spelt once, in `portal/domain/core/paths.py`.
- Every service that opens a transaction is told who acts (an Actor, an Origin), or is
  listed with the reason it needs none; `trail.record` cannot be called without them.
- The web and HTTP layers never import a table class.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"

# Each domain package and the packages it may import directly; what those may import is
# allowed too (the arrows are transitive). `demo` and `schema` sit on top of everything.
ARROWS: dict[str, set[str]] = {
    "core": set(),
    "audit": {"core"},
    "outbox": {"core"},
    "registry": {"audit", "core"},
    "accounts": {"registry", "audit", "outbox"},
    "registrants": {"accounts"},
    "staff": {"accounts"},
    "points": {"registrants"},
    "rules": {"points"},
    "renewal": {"rules"},
    "organisations": {"points"},
    "communications": {"renewal"},
    "surveys": {"communications"},
}
TOP_MODULES = {"demo", "schema"}
# What the domain may use outside itself: settings and the message catalogue.
DOMAIN_MAY_USE = {"portal.settings", "portal.i18n"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Every module `path` imports, as absolute dotted names (nested imports included)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from package import module` imports the module.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PORTAL.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        graph[name] = {m for m in _imports(path, name) if m in files and m != name}
    return graph


def _closure(package: str) -> set[str]:
    allowed, todo = set(), [package]
    while todo:
        for below in ARROWS[todo.pop()]:
            if below not in allowed:
                allowed.add(below)
                todo.append(below)
    return allowed


def _domain_package(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["portal", "domain"] or len(parts) < 3:
        return None
    return parts[2]


def test_every_domain_package_has_its_arrows_written_down():
    packages = {p.name for p in (PORTAL / "domain").iterdir() if (p / "__init__.py").exists()}
    assert packages == set(ARROWS)
    modules = {p.stem for p in (PORTAL / "domain").glob("*.py")} - {"__init__"}
    assert modules == TOP_MODULES


def test_domain_packages_import_only_the_packages_below_them():
    wrong = []
    for module, imported in _graph().items():
        package = _domain_package(module)
        if package is None or package in TOP_MODULES:
            continue
        allowed = _closure(package) | {package}
        for target in imported:
            below = _domain_package(target)
            if below is not None and below not in allowed and target != "portal.domain":
                wrong.append(f"{module} -> {target}")
    assert wrong == [], "imports against the arrows of docs/ARCHITECTURE.md:\n" + "\n".join(
        sorted(wrong)
    )


def test_the_domain_never_imports_the_web_http_cli_mail_or_reflex():
    wrong = []
    for path in (PORTAL / "domain").rglob("*.py"):
        name = _module_name(path)
        for module in _imports(path, name):
            top = module.split(".")[0]
            outside_portal = top != "portal" and top in {"reflex", "starlette", "fastapi"}
            inside = module.startswith("portal.") and not module.startswith("portal.domain")
            if outside_portal or (
                inside and not any(module.startswith(ok) for ok in DOMAIN_MAY_USE)
            ):
                wrong.append(f"{name} -> {module}")
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_portal_is_in_an_import_cycle():
    # A package's __init__ is imported with each of its modules; only real edges count.
    graph = _graph()
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_http_layer_never_imports_the_reflex_layer():
    graph = _graph()
    wrong = [
        f"{module} -> {target}"
        for module, imported in graph.items()
        if module.startswith("portal.api")
        for target in imported
        if target.startswith("portal.web")
    ]
    assert wrong == []


# The cluster test replays the single-worker journeys themselves on several workers.
REPLAYS = {"tests.e2e.test_multiworker"}


def test_tests_share_helpers_through_tests_support_never_through_another_test_module():
    tests = PORTAL.parent / "tests"
    wrong = []
    for path in sorted(tests.rglob("*.py")):
        name = ".".join(path.relative_to(tests.parent).with_suffix("").parts)
        if name in REPLAYS:
            continue
        for target in _imports(path, name):
            if target.rpartition(".")[2].startswith("test_") and target.startswith("tests."):
                wrong.append(f"{name} -> {target}")
    assert wrong == [], "import shared helpers from tests.support:\n" + "\n".join(wrong)


_PORTAL_PATH = re.compile(
    r"^/(login|mypage|admin|org|auth|mail|password|activate|email|consent|evidence"
    r"|certificates|verify|readyz|healthz)(/|\?|$)"
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            found.add(id(first.value))
    return found


def test_pages_and_routes_are_spelt_once_in_core_paths():
    spelt = []
    for path in sorted(PORTAL.rglob("*.py")):
        if path.relative_to(PORTAL).as_posix() == "domain/core/paths.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and _PORTAL_PATH.match(node.value)
            ):
                spelt.append(f"{path.relative_to(PORTAL)}:{node.lineno} {node.value!r}")
    assert spelt == [], "use portal.domain.core.paths:\n" + "\n".join(spelt)


# Who acts is an argument: a public service of these packages that opens a transaction
# takes an `Actor` (signed in), an `Origin` (not signed in yet, or the command line's
# SYSTEM) or an `Acting` (either, in the packages below accounts). The exceptions, each
# with the reason it needs none:
SERVICE_PACKAGES = {
    "accounts",
    "communications",
    "organisations",
    "points",
    "registrants",
    "registry",
    "renewal",
    "rules",
    "staff",
    "surveys",
}
WHO_ACTS = {"Actor", "Origin", "Acting"}
NEEDS_NO_ACTOR = {
    # A secret the caller holds is the authority: a cookie, a tab's attempt, a trip, a link.
    "accounts.sessions.resolve",
    "accounts.sessions.end",
    "accounts.signin.pending_method",
    "accounts.signin.resend_code",
    "accounts.provider_flows.claim",
    "accounts.password_reset.link_is_live",
    "communications.preference_links.read",
    "renewal.certificates.verify",  # the public check of a certificate number
    # Command line only (`portal create-staff`, `portal activation --list`), or inside a
    # staff service that checked the actor (registrants.registry_admin.requests_for).
    "accounts.operations.create_staff",
    "accounts.activation.pending_requests",
    # Self-service by the session's own account id, read from the session by the page.
    "accounts.operations.set_language",
    "accounts.provider_links.linked_since",
    # Lists anyone signed in (or the public catalogue) may read.
    "points.catalogue.categories",
    "points.catalogue.activities",
    "registry.registrant_categories.listing",
    "registry.mail_topics.listing",
    "rules.versions.names",
    # The registry sits below accounts: registrants.registry_admin checks the actor first.
    "registry.records.staff_preview",
    "registry.records.history",
    # The daily job and the mail worker (`portal daily`, `portal worker`), and the steps of
    # services that checked their actor.
    "communications.announcement_queue.run_batch",
    "points.audits.close_overdue",
    "renewal.daily.done",
    "renewal.daily.run_once",
    "renewal.eligibility_batch.gather",
    "renewal.expiry.expire_records",
    "renewal.reminders.plan",
    "renewal.reminders.send",
    "surveys.pool.discard_waiting",
    "surveys.pool.move_waiting",
}


def _opens_a_transaction(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "transaction"
        for node in ast.walk(function)
    )


def _says_who_acts(function: ast.FunctionDef) -> bool:
    arguments = function.args.args + function.args.kwonlyargs
    hints = [ast.unparse(a.annotation) for a in arguments if a.annotation is not None]
    return any(re.search(rf"\b{who}\b", hint) for hint in hints for who in WHO_ACTS)


def _services_without_an_actor() -> set[str]:
    found = set()
    for package in SERVICE_PACKAGES:
        for path in sorted((PORTAL / "domain" / package).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if (
                    isinstance(node, ast.FunctionDef)
                    and not node.name.startswith("_")
                    and _opens_a_transaction(node)
                    and not _says_who_acts(node)
                ):
                    found.add(f"{package}.{path.stem}.{node.name}")
    return found


def test_every_service_that_opens_a_transaction_is_told_who_acts():
    missing = sorted(_services_without_an_actor() - NEEDS_NO_ACTOR)
    assert missing == [], "take an Actor (or Origin), or say why not in NEEDS_NO_ACTOR:\n" + (
        "\n".join(missing)
    )


def test_the_list_of_services_that_need_no_actor_holds_no_stale_names():
    assert sorted(NEEDS_NO_ACTOR - _services_without_an_actor()) == []


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in function.args.args + function.args.kwonlyargs]


def test_no_audit_entry_can_lose_who_or_where():
    """trail.record takes who acted and from where as one required argument."""
    source = (PORTAL / "domain" / "audit" / "trail.py").read_text(encoding="utf-8")
    [record] = [
        n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "record"
    ]
    assert [a.arg for a in record.args.args] == ["session", "action", "by"]
    assert record.args.defaults == []
    by_hand = []  # a client address passed beside the actor, to be forgotten one day
    for path in sorted((PORTAL / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and "ip" in _parameters(node):
                by_hand.append(f"{path.relative_to(PORTAL)}:{node.lineno} {node.name}")
    assert by_hand == [], "read the address from the Actor or Origin:\n" + "\n".join(by_hand)


def _table_classes() -> dict[str, set[str]]:
    """Per `tables` module of the domain, the names of its SQLModel tables."""
    found = {}
    for path in sorted((PORTAL / "domain").rglob("tables.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[_module_name(path)] = {
            node.name
            for node in tree.body
            if isinstance(node, ast.ClassDef) and any(k.arg == "table" for k in node.keywords)
        }
    return found


def test_the_web_and_http_layers_never_import_a_table_class():
    """Pages and routes get plain values from services (and presenters), never rows: a row
    in a state var would ship every column to the browser."""
    tables = _table_classes()
    wrong = []
    for path in sorted([*(PORTAL / "web").rglob("*.py"), *(PORTAL / "api").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in tables:
                wrong += [
                    f"{path.relative_to(PORTAL)}: {a.name}"
                    for a in node.names
                    if a.name in tables[node.module]
                ]
    assert wrong == []

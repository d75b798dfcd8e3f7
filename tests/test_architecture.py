"""Where code may live, checked on the source (no import of the app): SQL only in
repositories, no import cycle between app's packages, the web layer only in routers and
dependencies, one commit per request (the session dependency's).

See ARCHITECTURE.md / STYLE.md for the layers these rules keep apart.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# Every package and module right under app/: "auth", "cuts", ..., "main", "cli".
TOP_LEVEL = sorted(
    p.stem for p in APP.iterdir() if (p / "__init__.py").exists() or p.name.endswith(".py")
)
TOP_LEVEL.remove("__init__")
# Every package is held to the SQL and cycle rules.
CHECKED = TOP_LEVEL

# Modules besides repository.py allowed to build or run SQL, and why. Keep it short.
SQL_ALLOWED = {
    "app/core/db.py": "the engine and the request's session (one transaction per request)",
    "app/core/pagination.py": "runs a statement a repository built: one page and its count",
}
# Table declarations use SQL expressions as server defaults (`sa.func.now()`, `sa.true()`):
# that is DDL, not a query.
SQL_ALLOWED_NAMES = {"repository.py", "models.py"}

# Query builders of sqlalchemy / sqlmodel: a module that uses one is writing SQL.
BUILDERS = {
    "select",
    "insert",
    "update",
    "delete",
    "text",
    "func",
    "and_",
    "or_",
    "not_",
    "exists",
    "case",
    "cast",
    "extract",
    "literal",
    "literal_column",
    "column",
    "table",
    "union",
    "union_all",
    "tuple_",
    "bindparam",
    "true",
    "false",
    "null",
    "aliased",
    "selectinload",
    "joinedload",
    "subqueryload",
    "contains_eager",
}
# Methods that send SQL (on a session, a connection or an engine's connection).
SQL_CALLS = {"execute", "exec", "scalar", "scalars", "connection"}
SQL_PACKAGES = ("sqlalchemy", "sqlmodel")

# The web layer, and the modules allowed to use it.
WEB_PACKAGES = ("fastapi", "starlette")
WEB_MODULE_NAMES = {"router.py", "dependencies.py"}
WEB_MODULES_ALLOWED = {"app/auth/deps.py", "app/main.py", "app/cli.py"}  # + composition roots
WEB_DIRS_ALLOWED = ("app/core/",)  # infrastructure both layers use: errors, db, pagination, ...

# Who may commit: the request's session dependency, and the command line's own sessions.
# The units of work: a request (core/db.py), a command (cli.py), a background job (jobs/worker.py).
COMMIT_ALLOWED = {"app/core/db.py", "app/cli.py", "app/jobs/worker.py"}


@dataclass(frozen=True)
class Module:
    rel: str  # "app/cuts/service.py"
    name: str  # "app.cuts.service"
    top: str  # "cuts" (a package of app/, or a module of app/ such as "main")
    tree: ast.Module


def load_modules() -> list[Module]:
    modules = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        modules.append(Module(rel, name, parts[1], tree))
    return modules


MODULES = load_modules()


def test_checked_names_exist():
    assert set(CHECKED) <= set(TOP_LEVEL), set(CHECKED) - set(TOP_LEVEL)


def imports(module: Module) -> Iterator[tuple[int, str, list[str]]]:
    """(line, absolute module name, names imported from it) of every import, nested or not."""
    package = module.name if module.rel.endswith("__init__.py") else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base, [a.name for a in node.names]


def _in(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


# --- (a) SQL only in repositories ---------------------------------------------------------


def sql_uses(tree: ast.Module) -> list[tuple[int, str]]:
    """Where a module builds or sends SQL: (line, what)."""
    found: list[tuple[int, str]] = []
    aliases: set[str] = set()  # local names bound to sqlalchemy / sqlmodel modules
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if _in(a.name, SQL_PACKAGES):
                    aliases.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and _in(node.module or "", SQL_PACKAGES):
            for a in node.names:
                if a.name in BUILDERS:
                    found.append((node.lineno, f"imports {a.name} from {node.module}"))
                else:
                    aliases.add(a.asname or a.name)  # a submodule, or a harmless name
    inner: set[int] = set()  # `sa.func` inside `sa.func.count`: reported once, as the whole
    for node in ast.walk(tree):  # breadth first: the outer attribute comes first
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                inner.add(id(base))
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                used = BUILDERS.intersection(chain)
                if used:
                    found.append((node.lineno, f"uses {base.id}.{'.'.join(reversed(chain))}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append((node.lineno, f"calls .{node.func.attr}()"))
    return sorted(set(found))


def test_sql_only_in_repositories():
    offences = [
        f"{m.rel}:{line}: {what}"
        for m in MODULES
        if m.top in CHECKED
        and m.rel.rsplit("/", 1)[-1] not in SQL_ALLOWED_NAMES
        and m.rel not in SQL_ALLOWED
        for line, what in sql_uses(m.tree)
    ]
    assert not offences, "SQL outside repository.py:\n" + "\n".join(offences)


def test_sql_check_catches_what_it_should():
    service = ast.parse(
        "import sqlalchemy as sa\n"
        "from sqlmodel import select, Session\n"
        "def f(session: Session):\n"
        "    session.execute(select(X))\n"
        "    return sa.func.count()\n"
    )
    assert [line for line, _ in sql_uses(service)] == [2, 4, 5]
    clean = ast.parse(
        "from sqlmodel import Session\n"
        "from sqlalchemy.exc import IntegrityError\n"
        "def f(session: Session, rows):\n"
        "    return repository.select_rows(session, rows)\n"
    )
    assert sql_uses(clean) == []


# --- (b) no import cycle between the packages of app/ -------------------------------------


def package_graph(names: list[str]) -> dict[tuple[str, str], list[str]]:
    """Edges between the given top-level names of app/, each with the imports that make it."""
    wanted = set(names)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m in MODULES:
        if m.top not in wanted:
            continue
        for line, target, names_from in imports(m):
            targets = [target]
            if target == "app":  # `from app import cuts`
                targets = [f"app.{n}" for n in names_from]
            for t in targets:
                parts = t.split(".")
                if parts[0] == "app" and len(parts) > 1 and parts[1] in wanted - {m.top}:
                    edges[(m.top, parts[1])].append(f"{m.rel}:{line} imports {t}")
    return edges


def cycles(nodes: list[str], edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), sorted."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        succ[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_cycle_between_packages():
    edges = package_graph(CHECKED)
    report = []
    for component in cycles(CHECKED, set(edges)):
        report.append("cycle between " + ", ".join(component) + ":")
        for (a, b), where in sorted(edges.items()):
            if a in component and b in component:
                report.append(f"  {a} -> {b}: " + "; ".join(where[:3]))
    assert not report, "\n".join(report)


def test_cycle_finder_finds_cycles():
    assert cycles(["a", "b", "c", "d"], {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [
        ["a", "b", "c"]
    ]
    assert cycles(["a", "b"], {("a", "b")}) == []


# --- (c) the web layer only in routers and dependencies -----------------------------------


def _web_module(rel: str) -> bool:
    return (
        rel.rsplit("/", 1)[-1] in WEB_MODULE_NAMES
        or rel in WEB_MODULES_ALLOWED
        or rel.startswith(WEB_DIRS_ALLOWED)
    )


def web_imports(module: Module) -> list[str]:
    found = []
    for line, target, _ in imports(module):
        last = target.rsplit(".", 1)[-1]
        if (
            _in(target, WEB_PACKAGES)
            or target in ("app.auth.deps", "app.main")
            or (target.startswith("app.") and last in ("router", "dependencies"))
        ):
            found.append(f"{module.rel}:{line} imports {target}")
    return found


def test_services_do_not_import_the_web_layer():
    """Services (and repositories, rules, schemas...) take plain data: fastapi, starlette,
    app.auth.deps, routers and dependencies modules are for routers and dependencies."""
    offences = [o for m in MODULES if not _web_module(m.rel) for o in web_imports(m)]
    assert not offences, "web layer imported outside routers/dependencies:\n" + "\n".join(offences)
    # The check sees what it should: today's routers do import fastapi.
    assert web_imports(next(m for m in MODULES if m.rel == "app/cuts/router.py"))


# --- (d) one transaction per request ------------------------------------------------------


def test_only_the_session_dependency_commits():
    offences = [
        f"{m.rel}:{node.lineno}"
        for m in MODULES
        if m.rel not in COMMIT_ALLOWED
        for node in ast.walk(m.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        # Releasing a SAVEPOINT (`savepoint = session.begin_nested()`) is not a commit.
        and not (isinstance(node.func.value, ast.Name) and "savepoint" in node.func.value.id)
    ]
    assert not offences, "commit outside the session dependency:\n" + "\n".join(offences)

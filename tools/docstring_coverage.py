"""Measure how many public functions, methods and classes in a package have docstrings.

Usage: ``python tools/docstring_coverage.py [PACKAGE_DIR ...] [--list] [--files F ...]``

"Public" means: the name does not start with ``_``, it is defined at module
level or directly in a public class, and no part of its module path starts with
``_`` (so ``builder/_vendor/`` is left out, while ``__init__.py`` counts).
Dunder methods, nested functions, ``@overload`` stubs and property setters or
deleters are not counted. ``--list`` prints every public name that lacks a
docstring; ``--files`` restricts the count to the given files.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Item:
    """One public definition: where it is, what kind it is and whether it is documented."""

    path: Path
    line: int
    qualname: str
    kind: str  # "function", "method" or "class"
    documented: bool


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for dec in node.decorator_list:
        if isinstance(dec, ast.Name):
            names.add(dec.id)
        elif isinstance(dec, ast.Attribute):
            names.add(dec.attr)
    return names


def _skipped_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if node.name.startswith("_"):
        return True
    decorators = _decorator_names(node)
    return bool(decorators & {"overload", "setter", "deleter"})


def items_in(path: Path) -> list[Item]:
    """Return the public definitions of one Python file.

    :param path: a ``.py`` file.
    :return: one :class:`Item` per public function, method and class, in file order.
    :raises SyntaxError: if the file does not parse.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Item] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _skipped_function(node):
            found.append(Item(path, node.lineno, node.name, "function", ast.get_docstring(node) is not None))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            found.append(Item(path, node.lineno, node.name, "class", ast.get_docstring(node) is not None))
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _skipped_function(sub):
                    found.append(
                        Item(
                            path,
                            sub.lineno,
                            f"{node.name}.{sub.name}",
                            "method",
                            ast.get_docstring(sub) is not None,
                        )
                    )
    return found


def public_files(root: Path) -> list[Path]:
    """Return the ``.py`` files under *root* whose module path has no private part.

    :param root: a package directory or a single file.
    :return: sorted paths; files under a directory whose name starts with ``_`` are left out.
    """
    if root.is_file():
        return [root]
    files = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part.startswith("_") for part in parts[:-1]):
            continue
        stem = Path(parts[-1]).stem
        if stem.startswith("_") and stem != "__init__" and stem != "__main__":
            continue
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    """Print the docstring coverage of the given packages; return the exit code (always 0)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", default=[Path("builder")], type=Path)
    parser.add_argument("--list", action="store_true", help="print every undocumented public name")
    parser.add_argument("--files", nargs="+", type=Path, help="count only these files")
    args = parser.parse_args(argv)

    files = [f for root in args.roots for f in public_files(root)]
    if args.files:
        wanted = {f.resolve() for root in args.files for f in public_files(root)}
        files = [f for f in files if f.resolve() in wanted]
    items = [item for f in files for item in items_in(f)]
    if args.list:
        for item in items:
            if not item.documented:
                print(f"{item.path}:{item.line}: {item.kind} {item.qualname}")
    groups = [
        ("functions", ("function",)),
        ("methods", ("method",)),
        ("classes", ("class",)),
        ("functions and methods", ("function", "method")),
        ("all", ("function", "method", "class")),
    ]
    for label, kinds in groups:
        group = [i for i in items if i.kind in kinds]
        done = sum(i.documented for i in group)
        share = 100 * done / len(group) if group else 100.0
        print(f"{label:<22} {done:5d} / {len(group):5d}  {share:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())

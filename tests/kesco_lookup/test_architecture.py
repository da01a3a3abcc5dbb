"""The shape of the code: no room over 400 lines, and imports that point one way.

The import rules are import-linter contracts in pyproject.toml ([tool.importlinter]): no cycles inside
a package, the project package imports no app, selectors never import services, reads and writes never
reach up to views, admin, forms or tasks, and the apps depend one way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = ("accounts", "imports", "safety", "audit", "kesco_lookup", "bench")
MAX_LINES = 400


def test_no_module_outside_tests_and_migrations_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for folder in CODE
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_imports_keep_the_contracts_in_pyproject():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", "pyproject.toml", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

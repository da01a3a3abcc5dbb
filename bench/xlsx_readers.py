"""The XLSX readers we could use, each timed reading the same workbook in a fresh process: how we chose.

    .venv/bin/python bench/xlsx_readers.py --rows 750000     (make bench-readers)

Reads every row of the bench's workbook (bench/out/mapping-N.xlsx, as make bench saves it, every cell
inline text) and of the same rows as Excel saves them (bench/out/mapping-N-shared.xlsx: shared
strings), and prints CPU seconds, wall seconds and peak memory for: openpyxl through the adapter
(the reader before), lxml element by element, the fast reader (the one in use), and, when they are
installed (they are not requirements: PYTHONPATH=dir after pip install --target dir), python-calamine
and xlsx2csv. Reading only: no checks, no database. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from bench.import_bench import write_file, write_xlsx  # noqa: E402 - after the path is set
from bench.xlsx_bombs import SHEET, STRINGS, write_workbook  # noqa: E402

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_shared(rows: int) -> Path:
    """The same rows with shared strings, as Excel writes them (openpyxl writes inline text)."""
    path = OUT / f"mapping-{rows}-shared.xlsx"
    if path.exists():
        return path
    index: dict[str, int] = {}
    body: list[bytes] = []
    with write_file(rows).open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = "".join(
                f'<c r="{"ABCDE"[column]}{number}" t="s"><v>{index.setdefault(value, len(index))}</v></c>'
                for column, value in enumerate(row)
                if value
            )
            body.append(f'<row r="{number}">{cells}</row>'.encode())
    sheet = [b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + _MAIN + b'"><sheetData>']
    sheet += [b"".join(body[start : start + 10_000]) for start in range(0, len(body), 10_000)]
    sheet.append(b"</sheetData></worksheet>")
    texts = list(index)
    strings = [b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + _MAIN + b'" uniqueCount="%d">' % len(texts)]
    strings += [
        "".join(f"<si><t>{escape(text)}</t></si>" for text in texts[start : start + 10_000]).encode()
        for start in range(0, len(texts), 10_000)
    ]
    strings.append(b"</sst>")
    partial = path.with_suffix(".partial")
    write_workbook(partial, {SHEET: sheet, STRINGS: strings})
    partial.rename(path)
    return path


def _count_openpyxl(path: Path) -> int:
    import openpyxl

    from imports.reader import openpyxl_adapter

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return sum(1 for _ in openpyxl_adapter.sheet_rows(workbook, workbook.worksheets[0], on_unreadable_row=ValueError))


def _count_ours(path: Path, *, fast: bool) -> int:
    from imports.reader.xlsx_file import open_xlsx

    return sum(1 for _ in open_xlsx(path, fast_reader=fast).rows) + 1  # and the header


def _count_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def _count_xlsx2csv(path: Path) -> int:
    from xlsx2csv import Xlsx2csv

    class _Lines(io.TextIOBase):
        # Counts the lines written and keeps none: xlsx2csv streams, and so must what it writes to.
        lines = 0

        def write(self, text: str) -> int:
            self.lines += text.count("\n")
            return len(text)

    output = _Lines()
    Xlsx2csv(str(path), outputencoding="utf-8").convert(output)
    return output.lines


READERS = {
    "openpyxl (the reader before)": _count_openpyxl,
    "lxml, element by element": lambda path: _count_ours(path, fast=False),
    "the fast reader (in use)": lambda path: _count_ours(path, fast=True),
    "python-calamine": _count_calamine,
    "xlsx2csv": _count_xlsx2csv,
}


def child(reader: str, path: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
    import django

    django.setup()
    idle_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu, wall = time.process_time(), time.perf_counter()
    rows = READERS[reader](path)
    return {
        "rows": rows,
        "cpu_s": time.process_time() - cpu,
        "wall_s": time.perf_counter() - wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "idle_mb": idle_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=750_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    print(f"{'reader':<30} {'workbook':<22} {'rows':>8} {'CPU s':>7} {'wall s':>7} {'peak MB':>8}")
    for path in (write_xlsx(args.rows), write_shared(args.rows)):
        for reader in READERS:
            result = subprocess.run(
                [sys.executable, __file__, "--child", reader, str(path)], cwd=ROOT, capture_output=True, text=True
            )
            if result.returncode != 0:
                missing = "ModuleNotFoundError" in result.stderr
                print(f"{reader:<30} {path.name:<22} {'not installed' if missing else 'failed':>8}")
                continue
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{reader:<30} {path.name:<22} {figures['rows']:>8} {figures['cpu_s']:>7.1f} "
                f"{figures['wall_s']:>7.1f} {figures['peak_mb']:>8.0f}"
            )


if __name__ == "__main__":
    main()

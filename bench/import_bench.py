"""Benchmark of the mapping import on PostgreSQL: validate and apply, against a plain COPY baseline.

    DATABASE_URL=postgres://... .venv/bin/python bench/import_bench.py --rows 75000 --rows 750000

For each size it writes a realistic CSV (Hindi and English names, mobiles in every format, a few
Excel-damaged and duplicate rows), then, in a fresh child process so peak memory is that run's
alone: empties the import and mapping tables, seeds 10% of the mappings as already live with stale
details (so the apply both inserts and updates), validates, applies, and finally
loads the same file with a bare COPY into an unindexed table (the baseline), and measures two floors
for reading the ratio. Then the same rows as an XLSX (every cell text, saved once by openpyxl under
bench/out/), imported the same way: its line follows the CSV's. "CPU s" is the import process's
own CPU time for validate and apply (PostgreSQL's is not in it): on a machine busy with other work
it moves far less than the wall times. Not a test: it prints figures.
THE DATABASE IN DATABASE_URL IS EMPTIED: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

_NAMES = ["राम प्रसाद", "सीता देवी", "Mohd. Aslam", "Anita Sharma", "गीता कुमारी", "Rakesh Kumar Gupta", "सुरेश चंद्र"]
_DIVISIONS = ["Kidwai Nagar", "Govind Nagar", "Kalyanpur", "Panki", "Civil Lines", "किदवई नगर", "गोविंद नगर"]


def _old(index: int) -> str:
    return f"{(index * 7919 + 1) % 10**8:08d}"  # 7919 is prime: distinct for every index below 10^8


def _new(index: int) -> str:
    return f"{(4_000_000_000 + index * 104_729) % 10**10:010d}"


def _mobile(index: int, rng: random.Random) -> str:
    digits = f"9{rng.randrange(10**9):09d}"
    return [digits, f"+91 {digits[:5]} {digits[5:]}", f"0{digits}", ""][index % 4]


def write_file(rows: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"mapping-{rows}.csv"
    if path.exists():
        return path
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Old Account No", "New Account No", "Consumer Name", "Division", "Mobile No"])
        previous: list[str] = []
        for index in range(rows):
            if index % 1000 == 999 and previous:
                writer.writerow(previous)  # an exact duplicate row
                continue
            row = [_old(index), _new(index), rng.choice(_NAMES), rng.choice(_DIVISIONS), _mobile(index, rng)]
            if index % 500 == 17:
                row[1] = "2.64E+09"  # Excel's scientific notation
            elif index % 700 == 23:
                row[0] = row[0][:4] + "O" + row[0][5:]  # a letter O typed for a zero
            writer.writerow(row)
            previous = row
    return path


def write_xlsx(rows: int) -> Path:
    """The same rows as an Excel workbook, every cell text (as the CSV's), saved once by openpyxl."""
    path = OUT / f"mapping-{rows}.xlsx"
    if path.exists():
        return path
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Mapping")
    with write_file(rows).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    partial = path.with_suffix(".partial")
    workbook.save(partial)
    partial.rename(path)
    return path


def child(path: Path, rows: int) -> dict:
    """Runs in its own process: one import of ``path``, timed, then (for a CSV) the COPY baseline."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
    os.environ["MEDIA_ROOT"] = str(OUT / "media")
    import django

    django.setup()
    from django.core.files import File
    from django.db import connection

    from imports import services

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_accountmapping, imports_mappingchange, imports_importrow, imports_importbatch"
        )
        # 10% already live with stale details (no name, or an old one): the apply updates those.
        cursor.execute(
            "INSERT INTO accounts_accountmapping (old_account_number, new_account_number, consumer_name, division,"
            " mobile_last4, created_at, updated_at) "
            "SELECT to_char((i * 7919 + 1) %% 100000000, 'FM00000000'),"
            " to_char((4000000000 + i * 104729::bigint) %% 10000000000, 'FM0000000000'),"
            " CASE WHEN i %% 2 = 0 THEN 'old name' ELSE '' END, '', '', now(), now()"
            " FROM generate_series(0, %s) AS i WHERE i %% 1000 <> 999 AND i %% 500 <> 17 AND i %% 700 <> 23",
            [rows // 10],
        )
        cursor.execute("ANALYZE accounts_accountmapping")

    with path.open("rb") as handle:
        batch = services.import_batch_create(
            uploaded_file=File(handle, name=path.name),
            original_name=path.name,
            user=None,
            apply_when_valid=False,
            queued=False,
        )
    cpu_started = time.process_time()  # every thread of this process
    started = time.perf_counter()
    batch = services.import_batch_validate(batch_id=batch.pk)
    validate_seconds = time.perf_counter() - started
    assert batch.status == "validated", batch.failure_code
    started = time.perf_counter()
    batch = services.import_batch_apply(batch_id=batch.pk)
    apply_seconds = time.perf_counter() - started
    assert batch.status == "applied", batch.failure_code
    cpu_seconds = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "rows": batch.rows_read,
        "new": batch.count_new,
        "changed": batch.count_changed,
        "unchanged": batch.count_unchanged,
        "duplicates": batch.count_duplicates,
        "refused": batch.count_refused,
        "validate_s": validate_seconds,
        "apply_s": apply_seconds,
        "peak_mb": peak_mb,
        "cpu_s": cpu_seconds,
    }
    if path.suffix == ".xlsx":
        return figures  # the baseline and floors are the CSV's: the same rows

    # The baseline: the same bytes into a bare table with a plain COPY, nothing checked.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_bare (old text, new text, name text, division text, mobile text)")
        started = time.perf_counter()
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            cursor.copy_expert("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        copy_seconds = time.perf_counter() - started
        # Floors, for reading the ratio. The same rows into a table shaped like the live one,
        # with its three unique indexes but no checks and no history: what any in-place apply must
        # at least do. And the same COPY into an ordinary (write-ahead logged) table, as the live
        # table is; the baseline's temporary table skips the log.
        cursor.execute("DROP TABLE IF EXISTS bench_indexed, bench_logged, bench_rebuilt")
        cursor.execute("CREATE TABLE bench_indexed (LIKE accounts_accountmapping INCLUDING ALL)")
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_indexed (old_account_number, new_account_number, consumer_name, division,"
            " mobile_last4, created_at, updated_at)"
            " SELECT DISTINCT ON (old) old, new, name, division, coalesce(right(mobile, 4), ''), now(), now()"
            " FROM bench_bare WHERE old ~ '^[0-9]{8}$' AND new ~ '^[0-9]{10}$' ORDER BY old"
        )
        indexed_seconds = time.perf_counter() - started
        cursor.execute("CREATE TABLE bench_logged (old text, new text, name text, division text, mobile text)")
        started = time.perf_counter()
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            cursor.copy_expert("COPY bench_logged FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        logged_seconds = time.perf_counter() - started
        # And a rebuild: the same rows into an unindexed copy of the live table, then its three unique
        # indexes built in one pass each. What an apply that swapped in a rebuilt table would pay.
        cursor.execute(
            "CREATE TABLE bench_rebuilt (LIKE accounts_accountmapping INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_rebuilt (old_account_number, new_account_number, consumer_name, division,"
            " mobile_last4, created_at, updated_at)"
            " SELECT old_account_number, new_account_number, consumer_name, division, mobile_last4, created_at,"
            " updated_at FROM bench_indexed"
        )
        cursor.execute("ALTER TABLE bench_rebuilt ADD PRIMARY KEY (id)")
        cursor.execute("ALTER TABLE bench_rebuilt ADD UNIQUE (old_account_number)")
        cursor.execute("ALTER TABLE bench_rebuilt ADD UNIQUE (new_account_number)")
        rebuilt_seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_indexed, bench_logged, bench_rebuilt")

    return {
        **figures,
        "copy_s": copy_seconds,
        "indexed_insert_s": indexed_seconds,
        "logged_copy_s": logged_seconds,
        "rebuilt_s": rebuilt_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="rows in a generated file (repeatable)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows[0])))
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://... to a scratch PostgreSQL database (it is emptied).")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)

    print(
        f"{'rows':>9} {'validate s':>10} {'rows/s':>9} {'apply s':>8} {'rows/s':>9} {'total s':>8} "
        f"{'peak MB':>8} {'COPY s':>7} {'ratio':>6} {'CPU s':>6}"
    )
    for rows in args.rows or [75_000, 750_000]:
        path = write_file(rows)
        figures = _run_child(path, rows)
        total = figures["validate_s"] + figures["apply_s"]
        print(
            f"{figures['rows']:>9} {figures['validate_s']:>10.2f} {figures['rows'] / figures['validate_s']:>9.0f} "
            f"{figures['apply_s']:>8.2f} {figures['rows'] / figures['apply_s']:>9.0f} {total:>8.2f} "
            f"{figures['peak_mb']:>8.0f} {figures['copy_s']:>7.2f} {total / figures['copy_s']:>6.1f}"
            f" {figures['cpu_s']:>6.1f}"
        )
        print(
            f"{'':>9} ({figures['new']} new, {figures['changed']} changed, {figures['unchanged']} unchanged, "
            f"{figures['duplicates']} duplicate rows, {figures['refused']} refused)"
        )
        print(
            f"{'':>9} floors: COPY into a logged table {figures['logged_copy_s']:.2f} s "
            f"({figures['logged_copy_s'] / figures['copy_s']:.1f}x); the rows into an empty copy of the live table "
            f"with its unique indexes {figures['indexed_insert_s']:.2f} s "
            f"({figures['indexed_insert_s'] / figures['copy_s']:.1f}x); the same, indexes built after the rows "
            f"{figures['rebuilt_s']:.2f} s ({figures['rebuilt_s'] / figures['copy_s']:.1f}x)"
        )
        # The same rows as an Excel workbook: the common case, since staff export from Excel.
        xlsx = _run_child(write_xlsx(rows), rows)
        xlsx_total = xlsx["validate_s"] + xlsx["apply_s"]
        print(
            f"{'XLSX':>9} {xlsx['validate_s']:>10.2f} {xlsx['rows'] / xlsx['validate_s']:>9.0f} "
            f"{xlsx['apply_s']:>8.2f} {xlsx['rows'] / xlsx['apply_s']:>9.0f} {xlsx_total:>8.2f} "
            f"{xlsx['peak_mb']:>8.0f} {'':>7} {xlsx_total / figures['copy_s']:>6.1f} {xlsx['cpu_s']:>6.1f}"
            f"  (the same rows as XLSX: {xlsx_total / total:.2f}x the CSV's time,"
            f" {xlsx['cpu_s'] / figures['cpu_s']:.2f}x its CPU)"
        )
        assert (xlsx["rows"], xlsx["new"], xlsx["refused"]) == (figures["rows"], figures["new"], figures["refused"])


def _run_child(path: Path, rows: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--rows", str(rows)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()

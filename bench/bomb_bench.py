"""Benchmark of the upload bombs: each refused how fast, and for how much memory above the idle worker.

    .venv/bin/python bench/bomb_bench.py          (make bench-bombs; make bench runs it after the import)

The three workbooks of issue 12 (one 600 MB cell, 2 million shared strings, 20,000 rows with cells
in column XFD) and each ten times bigger, built once under bench/out/bombs/ (small on disk: the
6 GB cell takes 30 s to build). Each goes through the real validation service in a fresh child
process, after a small normal file has warmed it up, as in a worker; the figures are the time to
the refusal and the peak resident memory above the process's idle size. Uses DATABASE_URL when it
is set (make bench's scratch database), else a scratch SQLite file in bench/out/.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from bench.xlsx_bombs import BOMBS  # noqa: E402 - after the path is set, when run as a script

_WARM_UP = b"old_account_number,new_account_number\n12345678,2640000001\n"


def _bomb_path(name: str) -> Path:
    return OUT / "bombs" / (name.replace(" ", "-").replace(",", "") + ".xlsx")


def child(path: Path) -> dict:
    """In its own process: a small file validated (the idle worker), then the bomb."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco_lookup.settings")
    os.environ["MEDIA_ROOT"] = str(OUT / "media")
    import django

    django.setup()
    from django.core.files import File
    from django.core.files.base import ContentFile

    from imports import services
    from imports.reader.memory import resident_mb

    def validated(data: ContentFile, name: str):  # type: ignore[no-untyped-def]
        batch = services.import_batch_create(
            uploaded_file=data, original_name=name, user=None, apply_when_valid=False, queued=False
        )
        return services.import_batch_validate(batch_id=batch.pk)

    assert validated(ContentFile(_WARM_UP, name="warm-up.csv"), "warm-up.csv").status == "validated"
    idle_mb = resident_mb()
    with path.open("rb") as handle:
        # Stored as an upload is (a copy in MEDIA_ROOT, in chunks), outside the timing: that is the web's part.
        batch = services.import_batch_create(
            uploaded_file=File(handle, name=path.name),
            original_name=path.name,
            user=None,
            apply_when_valid=False,
            queued=False,
        )
    started = time.perf_counter()
    batch = services.import_batch_validate(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "status": batch.status,
        "code": batch.failure_code,
        "detail": batch.failure_detail,
        "seconds": seconds,
        "idle_mb": idle_mb,
        "above_idle_mb": peak_mb - idle_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bombs.sqlite3'}")
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True, env=env)
    print(f"{'upload bomb':<40} {'zipped':>9} {'unzipped':>10} {'refused in':>10} {'above idle':>10}  code")
    for name, build, size in BOMBS:
        path = _bomb_path(name)
        if not path.exists():
            build(path, **size)
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{name:<40} {path.stat().st_size / 1024:>7.0f} KB {unzipped / 1024**2:>7.0f} MB "
            f"{figures['seconds']:>8.3f} s {figures['above_idle_mb']:>7.1f} MB  "
            f"{figures['code'] or figures['status']} {figures['detail']}"
        )


if __name__ == "__main__":
    main()

"""Time import_file of a 100 000-row accounts CSV (semicolon, decimal comma, no-break-space thousands) into a
fresh database (target <= 3 s), and a re-import of the same file (must be a no-op); then a realistic accounts
export as XLSX (120 units x 140 arts x 12 months = 201 600 rows, about 8.5 MB; target <= 5 s and <= 500 MB peak
memory, measured in a fresh subprocess) and a crafted 1.5-million-row XLSX that must be refused with a message
(target <= 10 s).

The files are generated into a temp directory each run, so nothing large is committed. BENCH_XLSX=0 skips the
XLSX part.
"""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.own_data import import_file  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGET_S = 3.0
XLSX_TARGET_S, XLSX_TARGET_MB, REFUSE_TARGET_S = 5.0, 500, 10.0
ROOT = Path(__file__).resolve().parent.parent


def kr(x: float) -> str:
    return f"{x:,.2f}".replace(",", "\u00a0").replace(".", ",")


def write_accounts(path: Path, rows: int) -> None:
    """An accounting export: 40 units x 50 arts x 12 months per year, as many years as needed."""
    rnd = random.Random(1)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("Ansvar;Ansvarsnavn;Tjeneste;Art;Artsnavn;Periode;Opprinnelig budsjett;Budsjettendringer;"
                 "Revidert budsjett;Regnskap\r\n")
        for i in range(rows):
            unit, art = 3000 + i % 40, 10000 + 10 * ((i // 40) % 50)
            month, year = 1 + (i // 2000) % 12, 2010 + i // 24000
            original = rnd.uniform(-50_000, 900_000)
            change = rnd.uniform(-5_000, 20_000)
            revised = original + change
            accounts = revised * rnd.uniform(0.8, 1.2)
            fh.write(f"{unit};Enhet {unit};254;{art};Art {art};{year}-{month:02d};{kr(original)};{kr(change)};"
                     f"{kr(revised)};{kr(accounts)}\r\n")


def _col(n: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n]


def write_xlsx(path: Path, header: list[str], rows, *, dimension: bool = True, n_rows: int | None = None) -> None:
    """A minimal workbook written as XML straight into the zip (openpyxl would take minutes for 1.5 M rows)."""
    def cell(ref: str, value) -> str:
        if isinstance(value, str):
            text = value.replace("&", "&amp;").replace("<", "&lt;")
            return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        return f'<c r="{ref}"><v>{value}</v></c>'

    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Regnskap" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            last = f"{_col(len(header) - 1)}{(n_rows or 0) + 1}"
            fh.write(('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                      'spreadsheetml/2006/main">' + (f'<dimension ref="A1:{last}"/>' if dimension else "")
                      + "<sheetData>").encode())
            fh.write(("<row r=\"1\">" + "".join(cell(f"{_col(j)}1", h) for j, h in enumerate(header))
                      + "</row>").encode())
            out = []
            for i, values in enumerate(rows, start=2):
                out.append(f'<row r="{i}">' + "".join(cell(f"{_col(j)}{i}", v) for j, v in enumerate(values))
                           + "</row>")
                if len(out) >= 5000:
                    fh.write("".join(out).encode())
                    out = []
            fh.write(("".join(out) + "</sheetData></worksheet>").encode())


XLSX_HEADER = ["Ansvar", "Ansvarsnavn", "Tjeneste", "Art", "Artsnavn", "Periode", "Opprinnelig budsjett",
               "Budsjettendringer", "Revidert budsjett", "Regnskap"]


def accounts_rows(units: int, arts: int, months: int, year: int = 2025):
    """120 units x 140 arts x 12 months: a year of a large municipality's accounts per unit, art and month."""
    rnd = random.Random(2)
    for u in range(units):
        unit = 3000 + u
        for a in range(arts):
            art = 10000 + 10 * a
            for month in range(1, months + 1):
                original = round(rnd.uniform(-50_000, 900_000), 2)
                change = round(rnd.uniform(-5_000, 20_000), 2)
                revised = round(original + change, 2)
                yield [unit, f"Enhet {unit}", 254, art, f"Art {art}", f"{year}-{month:02d}", original, change,
                       revised, round(revised * rnd.uniform(0.8, 1.2), 2)]


MEASURE = """
import json, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from pipelines.own_data import import_file, ImportRejected
try:
    result = import_file({db!r}, "budget", {path!r})
    outcome = {{"rows": result.plan.rows_to_insert}}
except ImportRejected as exc:
    outcome = {{"message": str(exc.problems[0])}}
outcome["seconds"] = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent, VmHWM starts afresh at exec
outcome["peak_mb"] = next(int(line.split()[1]) for line in open("/proc/self/status")
                          if line.startswith("VmHWM:")) / 1024
print(json.dumps(outcome))
"""


def measure_import(path: Path, db: Path) -> dict:
    """import_file in a fresh interpreter (imports included), with its own peak resident memory."""
    import json
    code = MEASURE.format(root=str(ROOT), db=str(db), path=str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_xlsx(tmp: Path) -> None:
    big = tmp / "regnskap-2025.xlsx"
    started = time.perf_counter()
    write_xlsx(big, XLSX_HEADER, accounts_rows(120, 140, 12), n_rows=120 * 140 * 12)
    made = time.perf_counter() - started
    runs = [measure_import(big, tmp / f"xlsx-{i}.duckdb") for i in range(RUNS)]
    assert all(r.get("rows") == 201_600 for r in runs), runs
    best = min(r["seconds"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    print(f"import_file budget XLSX: rows=201600 xlsx={big.stat().st_size / 1e6:.1f} MB (written in {made:.0f} s) "
          f"runs={RUNS} best={best:.2f} s median={statistics.median(r['seconds'] for r in runs):.2f} s "
          f"peak={peak:.0f} MB (target <= {XLSX_TARGET_S:.0f} s and <= {XLSX_TARGET_MB} MB: "
          f"{'OK' if best <= XLSX_TARGET_S and peak <= XLSX_TARGET_MB else 'FOR TREG/STOR'})")
    big.unlink()
    for dimension in (True, False):
        huge = tmp / f"enorm-{'med' if dimension else 'uten'}-dimensjon.xlsx"
        narrow = ([u, a, p, r, acc] for u, _, _, a, _, p, _, _, r, acc in accounts_rows(1500, 100, 10))
        write_xlsx(huge, ["Ansvar", "Art", "Periode", "Revidert budsjett", "Regnskap"], narrow, dimension=dimension,
                   n_rows=1_500_000)
        r = measure_import(huge, tmp / "huge.duckdb")
        assert "message" in r and "rader" in r["message"], r
        print(f"refusal of a 1 500 000-row XLSX ({huge.stat().st_size / 1e6:.0f} MB, "
              f"{'with' if dimension else 'without'} <dimension>): {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB "
              f"(target <= {REFUSE_TARGET_S:.0f} s: {'OK' if r['seconds'] <= REFUSE_TARGET_S else 'FOR TREG'}) "
              f"- «{r['message'][:90]}…»")
        huge.unlink()


def main() -> None:
    times, reimports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "regnskap.csv"
        write_accounts(csv_path, ROWS)
        size = csv_path.stat().st_size
        for run in range(RUNS):
            db = Path(tmp) / f"kostra-{run}.duckdb"
            started = time.perf_counter()
            result = import_file(db, "budget", csv_path)
            times.append(time.perf_counter() - started)
            assert result.status == "imported" and result.plan.rows_to_insert == ROWS
            started = time.perf_counter()
            again = import_file(db, "budget", csv_path)
            reimports.append(time.perf_counter() - started)
            assert again.status == "unchanged"
    best = min(times)
    print(f"import_file budget: rows={ROWS} csv={size / 1e6:.1f} MB runs={RUNS} "
          f"best={best:.2f} s median={statistics.median(times):.2f} s "
          f"re-import (no-op) median={statistics.median(reimports):.2f} s "
          f"(target <= {TARGET_S:.0f} s: {'OK' if best <= TARGET_S else 'FOR TREG'})")
    if os.environ.get("BENCH_XLSX", "1") != "0":
        with tempfile.TemporaryDirectory() as tmp:
            bench_xlsx(Path(tmp))


if __name__ == "__main__":
    main()

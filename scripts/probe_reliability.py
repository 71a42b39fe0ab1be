"""Probe tradepivot as a hostile or careless user would, and count what happens.

Each probe runs the real ``tradepivot`` command in a child process (its own temporary folder,
its own warehouse, a memory cap and a wall-clock cap) and is classified:

- **clean**: the expected outcome: a message naming the problem and a non-zero exit for bad
  input, or a correct result for input that must load;
- **internal**: "Internal error", a traceback, "Exception ignored", a crash, a timeout or the
  memory cap reached;
- **accepted**: a wrong success (exit 0 where the input must be refused, or a wrong result);
- **damage**: the warehouse's logical content changed after a failed command, or a file
  appeared where it must not.

    python scripts/probe_reliability.py              # every family, a table at the end
    python scripts/probe_reliability.py -k warehouse # only probes whose family/name match
    python scripts/probe_reliability.py --json out.json --jobs 2

Disk-full and read-only cases use a small tmpfs when run as root (a real ENOSPC / EROFS),
else RLIMIT_FSIZE and file modes. The probes are the regression list of issue 12; the fuzz
suite (tests/fuzz/) generates many more inputs of the same families.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import gzip
import io
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
SRC = FIX / "sources"
BACI_NAME = "BACI_HS17_Y2024_V202501.csv"
COUNTRIES = "country_codes_V202501.csv"
PRODUCTS = "product_codes_HS17_V202501.csv"
MEMORY_CAP = 3 * 1024**3
TIMEOUT = 90.0

Expect = Literal["error", "ok"]
Outcome = Literal["clean", "internal", "accepted", "damage"]


@dataclass
class Run:
    """What a child process did."""

    code: int | None
    out: str
    err: str
    seconds: float


@dataclass
class Probe:
    """One hostile input: how to set it up, the command, and what a correct tool does."""

    family: str
    name: str
    argv: Callable[[Path], list[str]]
    expect: Expect = "error"
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    warehouse: bool = False  # start from a warehouse holding one BACI dataset
    check: Callable[[Path, Run], str | None] | None = None  # a wrong result, described
    timeout: float = TIMEOUT
    mount: Literal["full", "ro"] | None = None  # the warehouse on a full or read-only disk
    signal: tuple[int, float] | None = None  # (signal, seconds after start) sent to the child
    twice: bool = False  # two copies of the command at once (concurrent writers)

    @property
    def store(self) -> str:
        """The warehouse file, relative to the probe's folder."""
        return "m/w.duckdb" if self.mount else "w.duckdb"


# ---------------------------------------------------------------------- helpers
def baci_dir(tmp: Path, data: str | bytes | None = None, sub: str = "b") -> Path:
    """A folder with the small BACI file (or ``data``) and the good code files beside it."""
    folder = tmp / sub
    folder.mkdir(exist_ok=True)
    for name in (COUNTRIES, PRODUCTS):
        shutil.copy(SRC / "baci" / "good" / name, folder / name)
    target = folder / BACI_NAME
    if data is None:
        shutil.copy(SRC / "baci" / "small" / BACI_NAME, target)
    elif isinstance(data, bytes):
        target.write_bytes(data)
    else:
        target.write_text(data, encoding="utf-8")
    return target


def small_baci() -> str:
    return (SRC / "baci" / "small" / BACI_NAME).read_text(encoding="utf-8")


def eidb_small() -> str:
    return (SRC / "india_eidb" / "small" / "india_eidb_exports_small.csv").read_bytes().decode()


def census_small() -> str:
    return (SRC / "us_census" / "small" / "us_imports_2024_hts10_small.csv").read_text()


def comtrade_small() -> str:
    return (SRC / "comtrade" / "small" / "TradeData_IND_2024_H5_M-X_RUS-W00.csv").read_text()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def event_dir(tmp: Path, edits: dict[str, str] | None = None) -> Path:
    folder = tmp / "event"
    shutil.copytree(FIX / "events" / "tiny", folder)
    for name, text in (edits or {}).items():
        write(folder / name, text)
    return folder


def nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_yaml(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def scenario(body: str) -> str:
    return "name: probe\nmarket: USA\ndate: 2025-09-01\n" + body


MEASURE = "  - id: m\n    exporters: [IND]\n    add: 10\n    start: 2025-01-01\n"


def wh(tmp: Path) -> Path:
    return tmp / "w.duckdb"


def cli(*args: str) -> Callable[[Path], list[str]]:
    """argv with ``{tmp}`` replaced by the probe's folder."""
    return lambda tmp: [a.replace("{tmp}", str(tmp)) for a in args]


# ---------------------------------------------------------------------- warehouse content
def content(path: Path) -> object:
    """The warehouse's logical content: datasets with checksums and every fact row's hash."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return f"unopenable: {type(exc).__name__}"
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        out: dict[str, object] = {}
        if "datasets" in tables:
            out["datasets"] = con.execute(
                "SELECT id, checksum, manifest FROM datasets ORDER BY id"
            ).fetchall()
        for table in sorted(tables - {"datasets", "tp_meta"}):
            out[table] = con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchall()
        return out
    except duckdb.Error as exc:
        return f"unreadable: {type(exc).__name__}"
    finally:
        con.close()


# ---------------------------------------------------------------------- mounts (root)
@contextlib.contextmanager
def small_fs(folder: Path, size: str = "256k", *, read_only: bool = False) -> Iterator[bool]:
    """A tmpfs at ``folder`` (True) when root may mount; else nothing (False)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None or os.environ.get("PROBE_NO_MOUNT"):
        yield False
        return
    opts = f"size={size}" + (",ro" if read_only else "")
    ok = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(folder)], capture_output=True
    )
    if ok.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


# ---------------------------------------------------------------------- running
def _limits(fsize: int | None) -> Callable[[], None]:
    def apply() -> None:
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails (EFBIG)

    return apply


def start(
    argv: list[str], cwd: Path, env: dict[str, str], fsize: int | None = None
) -> subprocess.Popen[bytes]:
    """The command as a child process in its own session, with the probe's limits."""
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRADEPIVOT_")},
        "HOME": str(cwd / "home"),
        "XDG_CACHE_HOME": str(cwd / "home" / "cache"),
        "XDG_DATA_HOME": str(cwd / "home" / "data"),
        "XDG_CONFIG_HOME": str(cwd / "home" / "config"),
        "TRADEPIVOT_WAREHOUSE": str(wh(cwd)),
        "COLUMNS": "200",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tradepivot", *argv],
        cwd=cwd,
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        preexec_fn=_limits(fsize),
    )


def finish(
    proc: subprocess.Popen[bytes], began: float, timeout: float, sig: tuple[int, float] | None
) -> Run:
    """Wait for the child (sending ``sig`` = (signal, after seconds) first, if any)."""
    if sig is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(sig[1])
        if proc.poll() is None:
            proc.send_signal(sig[0])
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    return Run(
        code, out.decode(errors="replace"), err.decode(errors="replace"), time.monotonic() - began
    )


def run(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    fsize: int | None = None,
    sig: tuple[int, float] | None = None,
) -> Run:
    began = time.monotonic()
    return finish(start(argv, cwd, env, fsize), began, timeout, sig)


_SEED: dict[str, Path] = {}


def seed_warehouse(base: Path) -> Path:
    """One warehouse with the small BACI dataset, built once and copied into each probe."""
    if "w" not in _SEED:
        folder = base / "seed"
        folder.mkdir()
        data = baci_dir(folder)
        result = run(["data", "ingest", "baci", str(data)], folder, {}, TIMEOUT)
        if result.code != 0:
            raise SystemExit(f"cannot build the seed warehouse: {result.err}")
        _SEED["w"] = wh(folder)
    return _SEED["w"]


INTERNAL_MARKS = ("Internal error", "Traceback (most recent call last)", "Exception ignored")


def classify(probe: Probe, tmp: Path, result: Run, before: object) -> tuple[Outcome, str]:
    text = result.err + result.out
    if result.code is None:
        return "internal", f"timed out after {probe.timeout:.0f} s"
    if probe.signal and probe.signal[0] == signal.SIGKILL and result.code == -signal.SIGKILL:
        wrong = probe.check(tmp, result) if probe.check else None
        return ("damage", wrong) if wrong else ("clean", "killed; warehouse old or complete")
    if result.code < 0 or result.code not in (0, 1, 2, 130):
        return "internal", f"exit {result.code}"
    for mark in INTERNAL_MARKS:
        if mark in text:
            line = next((x for x in text.splitlines() if mark in x or "Error" in x), mark)
            return "internal", line.strip()[:160]
    if "MemoryError" in text or "Killed" in text:
        return "internal", "memory"
    after = content(tmp / probe.store)
    if result.code != 0 and (probe.warehouse or probe.mount) and after != before:
        return "damage", "warehouse content changed after a failed command"
    if probe.check is not None:
        wrong = probe.check(tmp, result)
        if wrong:
            return ("damage" if wrong.startswith("DAMAGE") else "accepted"), wrong
    if probe.signal is not None:
        if result.code == 130 and "Interrupted" in result.err:
            return "clean", result.err.strip().splitlines()[0][:160]
        if result.code == 0:
            return "clean", "finished before the signal"
    if probe.expect == "error":
        if result.code == 0:
            return "accepted", "exit 0: " + (result.out.strip().splitlines() or [""])[0][:120]
        if "Error" not in result.err and "Interrupted" not in result.err:
            return "internal", "non-zero exit without a message"
        return "clean", (result.err.strip().splitlines() or [""])[0][:160]
    if result.code != 0:
        return "accepted", "refused a valid input: " + result.err.strip()[:140]
    return "clean", "ok"


def prepare_mount(
    probe: Probe, tmp: Path, base: Path, stack: contextlib.ExitStack
) -> tuple[int | None, bool]:
    """Put the seed warehouse on a small file system: full (ENOSPC) or read-only (EROFS).

    As root a real tmpfs; otherwise RLIMIT_FSIZE (EFBIG once the file grows) or file modes.
    Returns the RLIMIT_FSIZE to apply to the child, if any, and whether a tmpfs was mounted.
    """
    folder = tmp / "m"
    mounted = stack.enter_context(small_fs(folder, "8m"))
    shutil.copy(seed_warehouse(base), folder / "w.duckdb")
    if probe.mount == "full":
        if mounted:
            with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            return None, True
        return 65536, False  # the WAL of a 2,000-row load exceeds it
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        (folder / "w.duckdb").chmod(0o444)
        folder.chmod(0o555)
    return None, mounted


def execute(probe: Probe, base: Path) -> tuple[Probe, Outcome, str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="probe-", dir=base))
    (tmp / "home").mkdir()
    try:
        if probe.warehouse:
            shutil.copy(seed_warehouse(base), wh(tmp))
        with contextlib.ExitStack() as stack:
            if probe.setup is not None:
                probe.setup(tmp)
            fsize, mounted = (
                prepare_mount(probe, tmp, base, stack) if probe.mount else (None, False)
            )
            if (
                probe.mount == "full"
                and not mounted
                and probe.name != "disk full: replace a dataset"
            ):
                probe = dataclasses.replace(probe, expect="ok")  # small writes fit the cap
            before = content(tmp / probe.store)
            env = {"TRADEPIVOT_WAREHOUSE": str(tmp / probe.store), **probe.env}
            if probe.twice:
                began = time.monotonic()
                procs = [start(probe.argv(tmp), tmp, env, fsize) for _ in range(2)]
                runs = [finish(p, began, probe.timeout, None) for p in procs]
                # the loser of a race may be refused (a clean message), the winner must succeed
                graded = [
                    classify(
                        dataclasses.replace(probe, expect="error") if r.code else probe,
                        tmp,
                        r,
                        before,
                    )
                    for r in runs
                ]
                bad = [g for g in graded if g[0] != "clean"]
                outcome, note = bad[0] if bad else graded[0]
                if not bad and not any(r.code == 0 for r in runs):
                    outcome, note = "accepted", "neither concurrent command succeeded"
                result = runs[0]
            else:
                result = run(probe.argv(tmp), tmp, env, probe.timeout, fsize, probe.signal)
                outcome, note = classify(probe, tmp, result, before)
        return probe, outcome, note, result.seconds
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------- probe setups
def flip_bytes(tmp: Path) -> None:
    data = bytearray(wh(tmp).read_bytes())
    for offset in range(4096 * 3, min(len(data), 4096 * 3 + 8192), 7):
        data[offset] ^= 0xFF
    wh(tmp).write_bytes(bytes(data))


def corrupt_manifest(tmp: Path) -> None:
    con = duckdb.connect(str(wh(tmp)))
    con.execute("UPDATE datasets SET manifest = '{\"id\": 3'")
    con.close()


def sqlite_warehouse(tmp: Path) -> None:
    con = sqlite3.connect(wh(tmp))
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()


def wh_args(name: str) -> list[str]:
    return ["--warehouse", "{tmp}/" + name]


# ---------------------------------------------------------------------- checks
def dataset_rows(tmp: Path, dataset: str) -> int | None:
    con = duckdb.connect(str(wh(tmp)), read_only=True)
    try:
        row = con.execute(
            "SELECT json_extract(manifest, '$.rows')::BIGINT FROM datasets WHERE id = ?", [dataset]
        ).fetchone()
        return None if row is None else int(row[0])
    finally:
        con.close()


def kept_rows(tmp: Path, run: Run) -> str | None:
    rows = dataset_rows(tmp, "baci-hs17-2024-v202501")
    return None if rows == 20 else f"dataset now has {rows} rows (was 20)"


def no_escape(tmp: Path, run: Run) -> str | None:
    found = [p for p in tmp.parent.rglob("ESCAPED*") if tmp not in p.parents]
    for path in found:
        path.unlink()
    return f"DAMAGE: wrote {found[0]}" if found else None


def output_intact(name: str, content_: bytes) -> Callable[[Path, Run], str | None]:
    def check(tmp: Path, run: Run) -> str | None:
        path = tmp / name
        if path.is_symlink() or not path.exists():
            return None
        if path.read_bytes() != content_:
            return f"DAMAGE: {name} was replaced"
        return None

    return check


def symlink_kept(tmp: Path, run: Run) -> str | None:
    link = tmp / "link.csv"
    if not link.is_symlink():
        return "DAMAGE: the symlink was replaced by a regular file"
    if (tmp / "target.csv").read_text() != "keep\n":
        return "DAMAGE: the symlink's target was overwritten"
    return None


def horses(tmp: Path, run: Run) -> str | None:
    """Only live horses (0101xx) change duty: not headgear (6505, octal 0101 = 65)."""
    if run.code != 0:
        return None
    changed = [
        row["hs6"]
        for row in csv.DictReader(io.StringIO(run.out))
        if row["tariff_before_pct"] != row["tariff_after_pct"]
    ]
    if not changed or any(not code.startswith("0101") for code in changed):
        return f"products [0101] misread: duty changed on {changed[:5]}"
    return None


def no_nul(tmp: Path, run: Run) -> str | None:
    if run.code != 0:
        return None
    con = duckdb.connect(str(wh(tmp)), read_only=True)
    try:
        row = con.execute(
            "SELECT count(*) FROM national_exports WHERE contains(unit, chr(0))"
        ).fetchone()
    finally:
        con.close()
    return "a NUL byte was stored in an EIDB unit" if row and row[0] else None


def cause_named(tmp: Path, run: Run) -> str | None:
    """A failed write names the full disk (or the file-size cap), never DuckDB's rollback."""
    if run.code and (
        "rollback" in run.err or not any(w in run.err for w in ("full", "space", "ulimit"))
    ):
        return "cause hidden: " + run.err.strip()[:100]
    return None


def old_or_complete(tmp: Path, run: Run) -> str | None:
    """After a signal: the seeded 20 rows, or the new file's 2,000 rows complete."""
    try:
        rows = dataset_rows(tmp, "baci-hs17-2024-v202501")
        con = duckdb.connect(str(wh(tmp)), read_only=True)
        try:
            row = con.execute("SELECT count(*) FROM bilateral").fetchone()
        finally:
            con.close()
    except duckdb.Error as exc:
        return f"DAMAGE: warehouse unreadable after the signal ({type(exc).__name__})"
    stored = int(row[0]) if row else -1
    if (rows, stored) not in ((20, 20), (2000, 2000)):
        return f"DAMAGE: manifest says {rows} rows, {stored} stored"
    if run.code == 130 and rows == 2000 and "kept" not in run.err:
        return "DAMAGE: the new data was committed but the message says nothing was changed"
    return None


def published_kept(tmp: Path, run: Run) -> str | None:
    """Concurrent publishers: every success is a version in published/, nothing lost."""
    versions = sorted((tmp / "event" / "published").glob("v*.csv"))
    current = (tmp / "event" / "meetings.csv").read_text()
    if not versions:
        return "DAMAGE: no published version kept"
    if versions[-1].read_text() != current:
        return "DAMAGE: meetings.csv is not the last published version"
    return None


def checksum_follows_codes(tmp: Path, run: Run) -> str | None:
    if run.code == 0 and "Unchanged" in run.out + run.err:
        return "edited country-code file ignored (Unchanged)"
    return None


# ---------------------------------------------------------------------- the probes
def comtrade_value(text: str, value: str) -> str:
    """The Comtrade CSV with primaryValue of its fourth record set to ``value``."""
    rows = text.splitlines(keepends=True)
    col = rows[0].rstrip("\r\n").split(",").index("primaryValue")
    fields = rows[3].split(",")
    fields[col] = value
    rows[3] = ",".join(fields)
    return "".join(rows)


def probes() -> list[Probe]:
    base = small_baci()
    lines = base.splitlines(keepends=True)
    header, first = lines[0], lines[1]
    eidb = eidb_small()
    census = census_small()
    comtrade = comtrade_small()
    baci_arg = "{tmp}/b/" + BACI_NAME
    ingest_baci = ("data", "ingest", "baci", baci_arg)
    eidb_header = eidb.splitlines(keepends=True)[0]
    eidb_row = eidb.splitlines(keepends=True)[1]
    raw = (SRC / "india_eidb" / "raw" / "42022190_export.json").read_text()
    P: list[Probe] = []

    def add(*args: object, **kw: object) -> None:
        P.append(Probe(*args, **kw))  # type: ignore[arg-type]

    # -- warehouse errors
    add(
        "warehouse",
        "flipped bytes",
        cli("data", "status"),
        setup=flip_bytes,
        warehouse=True,
        check=lambda t, r: "called 'in use'" if "in use" in r.err else None,
    )
    add(
        "warehouse",
        "flipped bytes, ingest",
        cli(*ingest_baci),
        warehouse=True,
        setup=lambda t: (flip_bytes(t), baci_dir(t)),
        check=lambda t, r: "called 'in use'" if "in use" in r.err else None,
    )
    add(
        "warehouse",
        "disk full: replace a dataset",
        cli("data", "ingest", "baci", "{tmp}/g/" + BACI_NAME, "--name", "baci-hs17-2024-v202501"),
        mount="full",
        setup=lambda t: shutil.copytree(SRC / "baci" / "good", t / "g"),
        check=cause_named,
    )
    add(
        "warehouse",
        "disk full: remove a dataset",
        cli("data", "remove", "baci-hs17-2024-v202501"),
        mount="full",
    )
    add(
        "warehouse",
        "disk full: new warehouse",
        cli("--warehouse", "{tmp}/m/new.duckdb", *ingest_baci),
        mount="full",
        setup=baci_dir,
    )
    add("warehouse", "read-only folder: ingest", cli(*ingest_baci), mount="ro", setup=baci_dir)
    add("warehouse", "read-only folder: status", cli("data", "status"), mount="ro", expect="ok")
    add(
        "warehouse",
        "read-only folder: remove",
        cli("data", "remove", "baci-hs17-2024-v202501"),
        mount="ro",
    )
    add(
        "warehouse",
        "new warehouse in a read-only folder",
        cli("--warehouse", "{tmp}/m/sub/new.duckdb", *ingest_baci),
        mount="ro",
        setup=baci_dir,
    )
    add(
        "warehouse",
        "corrupt manifest: data remove",
        cli("data", "remove", "baci-hs17-2024-v202501"),
        expect="ok",
        warehouse=True,
        setup=corrupt_manifest,
    )
    add(
        "warehouse",
        "corrupt manifest: data status",
        cli("data", "status"),
        warehouse=True,
        setup=corrupt_manifest,
    )
    add(
        "warehouse",
        "SQLite file as warehouse",
        cli("data", "status"),
        setup=sqlite_warehouse,
        check=lambda t, r: (
            "tried an extension"
            if "extension" in r.err.lower() and "sqlite" not in r.err.lower()
            else None
        ),
    )
    add(
        "warehouse",
        "SQLite file as warehouse, ingest",
        cli(*ingest_baci),
        setup=lambda t: (sqlite_warehouse(t), baci_dir(t)),
    )
    add("warehouse", "folder as warehouse", cli("data", "status"), setup=lambda t: wh(t).mkdir())
    add(
        "warehouse",
        "text file as warehouse",
        cli(*ingest_baci),
        setup=lambda t: (write(wh(t), "hello\n" * 100), baci_dir(t)),
    )

    # -- resource exhaustion
    add(
        "resources", "tariff simulate /dev/zero", cli("tariff", "simulate", "/dev/zero"), timeout=60
    )
    add(
        "resources",
        "exposure --portfolio /dev/zero",
        cli("exposure", "--portfolio", "/dev/zero"),
        timeout=60,
    )
    add(
        "resources",
        "billion laughs portfolio",
        cli("exposure", "--portfolio", "{tmp}/p.yaml"),
        setup=lambda t: write(t / "p.yaml", billion_laughs()),
        timeout=60,
    )
    add(
        "resources",
        "billion laughs scenario",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(t / "s.yaml", billion_laughs()),
        timeout=60,
    )
    aliased = scenario(
        "x: &m\n  id: m\n  exporters: [IND]\n  add: 10\n  start: 2025-01-01\nmeasures:\n"
        + "  - *m\n" * 20000
    )
    add(
        "resources",
        "20,000 aliased measures",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(t / "s.yaml", aliased),
        timeout=120,
    )
    add(
        "resources",
        "--time-limit 1e308",
        cli("match", "schedule", "{tmp}/event", "--time-limit", "1e308", "--no-market"),
        setup=event_dir,
        timeout=120,
    )
    add(
        "resources",
        "--time-limit inf",
        cli("match", "schedule", "{tmp}/event", "--time-limit", "inf", "--no-market"),
        setup=event_dir,
        timeout=120,
    )
    add(
        "resources",
        "--time-limit nan",
        cli("match", "schedule", "{tmp}/event", "--time-limit", "nan", "--no-market"),
        setup=event_dir,
        timeout=120,
    )
    add(
        "resources",
        "TRADEPIVOT_MEMORY_LIMIT=1KB",
        cli("flows", "-e", "IND", "-i", "RUS"),
        env={"TRADEPIVOT_MEMORY_LIMIT": "1KB"},
    )
    add(
        "resources",
        "TRADEPIVOT_MEMORY_LIMIT=lots",
        cli("flows", "-e", "IND", "-i", "RUS"),
        env={"TRADEPIVOT_MEMORY_LIMIT": "lots"},
    )
    add(
        "resources",
        "BACI --countries /dev/zero",
        cli("data", "ingest", "baci", baci_arg, "--countries", "/dev/zero"),
        setup=baci_dir,
        timeout=60,
    )

    # -- internal errors on bad files
    def baci(name: str, text: str | bytes, **kw: object) -> None:
        add(
            "ingest",
            "BACI " + name,
            cli(*ingest_baci),
            warehouse=True,
            setup=lambda t, text=text: baci_dir(t, text),
            **kw,
        )

    baci("fractional year", header + first.replace("2024,", "2024.5,", 1))
    baci("year 99999", header + first.replace("2024,", "99999,", 1))
    baci(
        "header spaces",
        header.replace(",", ", ") + "".join(lines[1:]),
        expect="ok",
        check=kept_rows,
    )
    baci(
        "header doubled quotes",
        '""t"",i,j,k,v,q\n' + "".join(lines[1:]),
        expect="ok",
        check=kept_rows,
    )
    baci("double BOM", "\ufeff\ufeff" + base, expect="ok", check=kept_rows)
    baci("value 1e400", header + first.replace(first.split(",")[4], "1e400"))
    baci("value 400 nines", header + first.replace(first.split(",")[4], "9" * 400))
    baci("value 1e306 (thousand USD)", header + first.replace(first.split(",")[4], "1e306"))
    baci("value nan", header + first.replace(first.split(",")[4], "nan"))
    baci("header only", header, check=kept_rows)
    baci("empty file", "", check=kept_rows)
    baci("NUL bytes", base.replace("2024,", "20\x0024,", 3))
    baci("malformed row (stderr)", (SRC / "baci/broken/malformed_row" / BACI_NAME).read_text())
    baci("non-UTF-8", base.encode() + b"2024,699,643,420221,1\xff,2\n")
    baci("gzip", gzip.compress(base.encode()))
    baci("UTF-16", base.encode("utf-16"))
    baci("binary garbage", os.urandom(4096))
    baci("very long line", header + "2024,699,643,420221," + "9" * 5_000_000 + ",1\n")

    def baci_codes(name: str, which: str, data: str | bytes | None, **kw: object) -> None:
        def setup(t: Path) -> None:
            baci_dir(t)
            target = t / "b" / which
            target.unlink()
            if data == "DIR":
                target.mkdir()
            elif data is not None:
                write(target, data)

        add(
            "ingest",
            f"BACI {which.split('_')[0]} codes {name}",
            cli(*ingest_baci),
            warehouse=True,
            setup=setup,
            **kw,
        )

    for which in (COUNTRIES, PRODUCTS):
        src = (SRC / "baci" / "good" / which).read_text()
        baci_codes("header-only", which, src.splitlines(keepends=True)[0])
        baci_codes("non-UTF-8", which, src.encode() + b"\xff\xfe,\xff\n")
        baci_codes("UTF-16", which, src.encode("utf-16"))
        baci_codes("gzip", which, gzip.compress(src.encode()))
        baci_codes("missing (embedded codes used)", which, None, expect="ok", check=kept_rows)
        baci_codes("a folder", which, "DIR")

    add(
        "ingest",
        "BACI --countries missing file",
        cli(*ingest_baci, "--countries", "{tmp}/nope.csv"),
        warehouse=True,
        setup=baci_dir,
    )
    add(
        "ingest",
        "BACI --products /dev/zero",
        cli(*ingest_baci, "--products", "/dev/zero"),
        warehouse=True,
        setup=baci_dir,
        timeout=60,
    )

    def edit_codes(t: Path) -> None:
        baci_dir(t)
        path = t / "b" / COUNTRIES
        path.write_text(path.read_text().replace("Russian Federation", "Russia (edited)"))

    add(
        "ingest",
        "BACI edited country-code file",
        cli(*ingest_baci),
        expect="ok",
        warehouse=True,
        setup=edit_codes,
        check=checksum_follows_codes,
    )

    def eidb_csv(name: str, text: str | bytes, expect: Expect = "error", **kw: object) -> None:
        add(
            "ingest",
            "EIDB " + name,
            cli("data", "ingest", "eidb", "{tmp}/e.csv"),
            expect=expect,
            warehouse=True,
            setup=lambda t: write(t / "e.csv", text),
            **kw,
        )

    eidb_csv("fiscal year 9999-00", eidb_header + eidb_row.replace("2018-19", "9999-00"))
    eidb_csv("fiscal year 1800-01", eidb_header + eidb_row.replace("2018-19", "1800-01"))
    eidb_csv("NUL in unit", eidb_header + eidb_row.replace("NOS", "N\x00S"), check=no_nul)
    eidb_csv("header spaces", eidb_header.replace(",", ", ") + eidb_row, expect="ok")
    eidb_csv("value 1e400", eidb_header + eidb_row.replace(",0.23,", ",1e400,"))

    def eidb_json(name: str, text: str, **kw: object) -> None:
        add(
            "ingest",
            "EIDB page " + name,
            cli("data", "ingest", "eidb", "{tmp}/42022190_export.json"),
            warehouse=True,
            setup=lambda t: write(t / "42022190_export.json", text),
            **kw,
        )

    page = json.loads(raw)
    year = next(iter(page["years"]))

    def mutate(fn: Callable[[dict[str, object]], None]) -> str:
        copy = json.loads(raw)
        fn(copy)
        return json.dumps(copy)

    def set_value(v: object) -> Callable[[dict[str, object]], None]:
        def fn(d: dict[str, object]) -> None:
            d["years"][year]["countries"][0]["values_usd"]["y2024_2025"] = v  # type: ignore[index]

        return fn

    eidb_json("value as text", mutate(set_value("lots")))
    eidb_json("value as list", mutate(set_value([1, 2])))
    eidb_json("value NaN", raw.replace('"y2024_2025": ', '"y2024_2025": NaN, "x": ', 1))
    eidb_json("huge integer", mutate(set_value(10**400)))
    eidb_json(
        "countries not a list", mutate(lambda d: d["years"][year].__setitem__("countries", 5))
    )  # type: ignore[index]
    eidb_json("years a list", mutate(lambda d: d.__setitem__("years", [1])))
    eidb_json("nested 100,000 deep", nested_json(100_000))
    add(
        "ingest",
        "EIDB page unreadable (a folder)",
        cli("data", "ingest", "eidb", "{tmp}/pages"),
        warehouse=True,
        setup=lambda t: (t / "pages" / "42022190_export.json").mkdir(parents=True),
    )

    add(
        "ingest",
        "Census value 1e400",
        cli("data", "ingest", "census", "{tmp}/c.csv", "--year", "2024"),
        warehouse=True,
        setup=lambda t: write(t / "c.csv", census.replace(",1139228,", ",1e400,", 1)),
    )
    add(
        "ingest",
        "Census year 2024.5",
        cli("data", "ingest", "census", "{tmp}/c.csv", "--year", "2024.5"),
        setup=lambda t: write(t / "c.csv", census),
    )
    add(
        "ingest",
        "Comtrade value 1e400",
        cli("data", "ingest", "comtrade", "{tmp}/t.csv"),
        warehouse=True,
        setup=lambda t: write(t / "t.csv", comtrade_value(comtrade, "1e400")),
    )
    add(
        "ingest",
        "Comtrade JSON nested 100,000 deep",
        cli("data", "ingest", "comtrade", "{tmp}/t.json"),
        warehouse=True,
        setup=lambda t: write(t / "t.json", '{"data": ' + nested_json(100_000) + "}"),
    )
    add(
        "ingest",
        "Census JSON nested 100,000 deep",
        cli("data", "ingest", "census", "{tmp}/c.json"),
        warehouse=True,
        setup=lambda t: write(t / "c.json", nested_json(100_000)),
    )

    # -- YAML and settings
    add(
        "yaml",
        "scenario nested 1,000 deep",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(t / "s.yaml", nested_yaml(1000)),
    )
    add(
        "yaml",
        "portfolio nested 1,000 deep",
        cli("exposure", "--portfolio", "{tmp}/p.yaml"),
        setup=lambda t: write(t / "p.yaml", nested_yaml(1000)),
    )
    add(
        "yaml",
        "sectors nested 1,000 deep",
        cli("--sectors", "{tmp}/s.yaml", "sectors"),
        setup=lambda t: write(t / "s.yaml", nested_yaml(1000)),
    )
    add(
        "yaml",
        "scenario market EU27",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(
            t / "s.yaml", scenario("measures:\n" + MEASURE).replace("USA", "EU27")
        ),
    )
    add(
        "yaml",
        "scenario market S19",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(
            t / "s.yaml", scenario("measures:\n" + MEASURE).replace("USA", "S19")
        ),
    )
    add(
        "yaml",
        "scenario products [0101]",
        cli("tariff", "simulate", "{tmp}/s.yaml", "-f", "csv", "-n", "100000"),
        expect="ok",
        check=horses,
        setup=lambda t: write(
            t / "s.yaml",
            scenario("measures:\n" + MEASURE.replace("[IND]", "[all]") + "    products: [0101]\n"),
        ),
    )
    add(
        "yaml",
        "scenario date 2025-13-01",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(
            t / "s.yaml", scenario("measures:\n" + MEASURE).replace("2025-09-01", "2025-13-01")
        ),
    )
    add(
        "yaml",
        "scenario add: .inf",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(
            t / "s.yaml", scenario("measures:\n" + MEASURE.replace("10", ".inf"))
        ),
    )
    add(
        "yaml",
        "scenario UTF-16",
        cli("tariff", "simulate", "{tmp}/s.yaml"),
        setup=lambda t: write(t / "s.yaml", scenario("measures:\n" + MEASURE).encode("utf-16")),
    )
    add("yaml", "scenario a folder", cli("tariff", "simulate", "{tmp}"))
    add("yaml", "sectors a folder", cli("--sectors", "{tmp}", "sectors"))
    add("yaml", "--config a folder", cli("--config", "{tmp}", "sectors"))
    add("yaml", "--config /dev/zero", cli("--config", "/dev/zero", "sectors"), timeout=60)

    # -- CLI arguments
    add("arguments", "--top 2^63", cli("flows", "-e", "IND", "-i", "RUS", "--top", str(2**63)))
    add(
        "arguments",
        "--seed 2147483648",
        cli("match", "schedule", "{tmp}/event", "--seed", "2147483648", "--no-market"),
        setup=event_dir,
    )
    add(
        "arguments",
        '--hs ""',
        cli("tariff", "simulate", "examples/scenarios/us-india-50.yaml", "--hs", ""),
    )
    add(
        "arguments",
        "--hs -4202",
        cli("tariff", "simulate", "examples/scenarios/us-india-50.yaml", "--hs", "-4202"),
    )
    add(
        "arguments",
        "--hs 42.02.",
        cli("flows", "-e", "IND", "-i", "RUS", "--hs", "42.02."),
        expect="ok",
    )
    add("arguments", "--hs 4202x", cli("flows", "-e", "IND", "-i", "RUS", "--hs", "4202x"))

    for probe in P:
        if probe.argv(Path("/x"))[:2] == ["tariff", "simulate"] and "examples" in " ".join(
            probe.argv(Path("/x"))
        ):
            probe.argv = (
                lambda a: (
                    lambda tmp: [str(ROOT / x) if x.startswith("examples/") else x for x in a(tmp)]
                )
            )(probe.argv)

    # -- events
    def event(name: str, edits: dict[str, str], cmd: str = "schedule", **kw: object) -> None:
        add(
            "events",
            name,
            cli("match", cmd, "{tmp}/event", "--no-market"),
            setup=lambda t: event_dir(t, edits),
            **kw,
        )

    slots = (FIX / "events/tiny/slots.csv").read_text()
    parts = (FIX / "events/tiny/participants.csv").read_text()
    plines = parts.splitlines(keepends=True)
    event("slot in year 1", {"slots.csv": slots.replace("2025-12-04", "0001-01-01")})
    event(
        "slot in year 9999",
        {
            "slots.csv": slots.replace("2025-12-04", "9999-12-31").replace(
                "10:40,11:00", "23:40,23:59"
            )
        },
    )
    event(
        "participants row cut to 5 fields",
        {
            "participants.csv": plines[0]
            + ",".join(plines[1].split(",")[:5])
            + "\n"
            + "".join(plines[2:])
        },
    )
    add(
        "events",
        "participant id with ../",
        cli("match", "agenda", "{tmp}/event", "--no-market", "-p", "x/../../../ESCAPED"),
        setup=lambda t: event_dir(
            t,
            {
                n: (FIX / "events/tiny" / n).read_text().replace("ex1", "x/../../../ESCAPED")
                for n in ("participants.csv", "preferences.csv", "meetings.csv")
            },
        ),
        check=no_escape,
    )
    event("event.yaml nested 1,000 deep", {"event.yaml": nested_yaml(1000)})
    event("event.yaml billion laughs", {"event.yaml": billion_laughs()}, timeout=60)
    event("slots.csv NUL", {"slots.csv": slots.replace("hall", "ha\x00ll", 1)})

    # -- signals: Ctrl-C, SIGTERM and kill -9 at several moments of a replacing ingest
    good = ("data", "ingest", "baci", "{tmp}/g/" + BACI_NAME, "--name", "baci-hs17-2024-v202501")
    for sig, name in (
        (signal.SIGINT, "SIGINT"),
        (signal.SIGTERM, "SIGTERM"),
        (signal.SIGKILL, "SIGKILL"),
    ):
        for after in (0.4, 0.9, 1.4, 2.0, 3.0):
            add(
                "signals",
                f"{name} {after:.1f} s into an ingest",
                cli(*good),
                warehouse=True,
                setup=lambda t: shutil.copytree(SRC / "baci" / "good", t / "g"),
                signal=(sig, after),
                expect="ok",
                check=old_or_complete,
            )
    for after in (1.0, 3.0):
        add(
            "signals",
            f"SIGINT {after:.0f} s into potential -o",
            cli("potential", "-e", "IND", "-f", "csv", "-o", "{tmp}/out/p.csv"),
            setup=lambda t: (t / "out").mkdir(),
            signal=(signal.SIGINT, after),
            check=lambda t, r: (
                "DAMAGE: left " + str(list((t / "out").iterdir()))
                if r.code != 0 and list((t / "out").iterdir())
                else None
            ),
        )
    add(
        "publishing",
        "two publishers at once",
        cli("match", "schedule", "{tmp}/event", "--publish", "--no-market"),
        setup=event_dir,
        twice=True,
        expect="ok",
        check=published_kept,
        timeout=180,
    )

    # -- outputs
    def out(
        name: str,
        target: str,
        setup: Callable[[Path], None] | None = None,
        check: Callable[[Path, Run], str | None] | None = None,
        expect: Expect = "error",
    ) -> None:
        add(
            "outputs",
            name,
            cli("flows", "-e", "IND", "-i", "RUS", "--hs", "4202", "-f", "csv", "-o", target),
            setup=setup,
            check=check,
            expect=expect,
        )

    out("a folder as output", "{tmp}")
    out("empty output name", "")
    out("/proc path", "/proc/self/status")
    out(
        "read-only target",
        "{tmp}/ro.csv",
        setup=lambda t: (write(t / "ro.csv", "keep\n"), (t / "ro.csv").chmod(0o444)),
        check=output_intact("ro.csv", b"keep\n"),
    )
    out(
        "symlink as output",
        "{tmp}/link.csv",
        setup=lambda t: (
            write(t / "target.csv", "keep\n"),
            (t / "link.csv").symlink_to(t / "target.csv"),
        ),
        check=symlink_kept,
    )
    out(
        "device as output",
        "/dev/null",
        check=lambda t, r: (
            None if Path("/dev/null").is_char_device() else "DAMAGE: /dev/null replaced"
        ),
    )
    out("folder does not exist (created)", "{tmp}/no/such/dir/x.csv", expect="ok")
    out("parent is a file", "{tmp}/f.csv/x.csv", setup=lambda t: write(t / "f.csv", "x"))
    return P


# ---------------------------------------------------------------------- report
COLUMNS: tuple[Outcome, ...] = ("clean", "internal", "accepted", "damage")


def table(rows: list[tuple[Probe, Outcome, str, float]]) -> str:
    families = sorted({p.family for p, *_ in rows}, key=[p.family for p, *_ in rows].index)
    lines = [
        "| family | tried | clean error (or correct load) | internal error | silently accepted | damage |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    total: Counter[str] = Counter()
    for family in families:
        counts = Counter(o for p, o, *_ in rows if p.family == family)
        tried = sum(counts.values())
        total.update(counts)
        total["tried"] += tried
        lines.append(
            f"| {family} | {tried} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |"
        )
    lines.append(
        f"| **all** | **{total['tried']}** | "
        + " | ".join(f"**{total[c]}**" for c in COLUMNS)
        + " |"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only probes whose family or name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every outcome to this JSON file")
    parser.add_argument("-q", "--quiet", action="store_true", help="only the table")
    parser.add_argument(
        "--src", type=Path, help="probe the package in this src folder (e.g. an older checkout)"
    )
    args = parser.parse_args()
    if args.src:
        os.environ["PYTHONPATH"] = str(args.src.resolve())
    chosen = [p for p in probes() if args.k.lower() in f"{p.family} {p.name}".lower()]
    with tempfile.TemporaryDirectory(prefix="tp-probes-") as base_name:
        base = Path(base_name)
        seed_warehouse(base)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            rows = list(pool.map(lambda p: execute(p, base), chosen))
    for probe, outcome, note, seconds in rows:
        if not args.quiet and (outcome != "clean" or not args.quiet):
            mark = "  " if outcome == "clean" else "!!"
            print(
                f"{mark} {outcome:9s} {probe.family:10s} {probe.name:40s} {seconds:5.1f}s  {note}"
            )
    print()
    print(table(rows))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "family": p.family,
                        "name": p.name,
                        "outcome": o,
                        "note": n,
                        "seconds": round(s, 2),
                    }
                    for p, o, n, s in rows
                ],
                indent=1,
            )
        )
    return 0 if all(o == "clean" for _, o, *_ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

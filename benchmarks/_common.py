"""Helpers shared by the benchmark scripts (standard library only).

Every measured command runs in a fresh child process. Its wall time is taken around
``Popen`` .. ``wait4`` and its peak memory is the child's own ``ru_maxrss`` as returned by
``os.wait4`` for that pid (so one large child never hides a smaller later one, which the
cumulative ``RUSAGE_CHILDREN`` maximum would), spawned from a small launcher process (see
``_LAUNCHER`` for why).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "tradepivot" / "data" / "default"
WORLD_GLOB = DATA / "world_2024" / "part-*.parquet"
COUNTRIES = DATA / "reference" / "countries.parquet"
PYTHON = sys.executable
TRADEPIVOT = str(Path(sys.executable).parent / "tradepivot")


@dataclass
class Child:
    """One finished child process."""

    argv: list[str]
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    cpu_s: float = 0.0  # the child's user + system CPU time: less sensitive to load than wall

    def ok(self) -> bool:
        return self.returncode == 0


def _maxrss_bytes(ru_maxrss: int) -> int:
    # Linux reports kilobytes, macOS bytes.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


# Children are started by this small launcher, not by the benchmark process itself: on Linux a
# child's ru_maxrss starts at the RSS of the process that forked it (exec records the old
# address space's high-water mark), so a benchmark holding 800 MB would report >= 800 MB for
# every child. The launcher is ~10 MB (python -I -S), which is then the floor of the figure.
# It also takes the wall time, so its own start-up is not counted.
_LAUNCHER = """
import json, os, subprocess, sys, time
spec = json.loads(sys.argv[1])
with open(spec["out"], "wb") as out, open(spec["err"], "wb") as err:
    started = time.perf_counter()
    proc = subprocess.Popen(spec["argv"], stdout=out, stderr=err, cwd=spec["cwd"])
    deadline = None if spec["timeout"] is None else started + spec["timeout"]
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, 0 if deadline is None else os.WNOHANG)
        if pid == proc.pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
print(json.dumps({"wall_s": wall, "maxrss": usage.ru_maxrss, "returncode": proc.returncode,
                  "timed_out": timed_out, "cpu_s": usage.ru_utime + usage.ru_stime}))
"""


def run_child(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout_s: float | None = None,
) -> Child:
    """Run ``argv`` to completion (through the launcher): wall time, own peak RSS, exit code
    and output. Output goes to files, not pipes, so nobody works while the child runs. With
    ``timeout_s`` the child is killed when it overruns (``timed_out`` set)."""
    with tempfile.TemporaryDirectory(prefix="tp-bench-child-") as tmp:
        spec = {
            "argv": list(argv),
            "cwd": str(cwd) if cwd else None,
            "timeout": timeout_s,
            "out": str(Path(tmp) / "stdout"),
            "err": str(Path(tmp) / "stderr"),
        }
        launcher = subprocess.run(
            [PYTHON, "-I", "-S", "-c", _LAUNCHER, json.dumps(spec)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if launcher.returncode != 0:
            raise RuntimeError(f"benchmark launcher failed: {launcher.stderr.strip()}")
        report = json.loads(launcher.stdout)
        return Child(
            argv=list(argv),
            wall_s=report["wall_s"],
            peak_rss_mb=_maxrss_bytes(report["maxrss"]) / 2**20,
            returncode=report["returncode"],
            stdout=Path(spec["out"]).read_text(encoding="utf-8", errors="replace"),
            stderr=Path(spec["err"]).read_text(encoding="utf-8", errors="replace"),
            timed_out=report["timed_out"],
            cpu_s=report["cpu_s"],
        )


def clean_env(home: Path) -> dict[str, str]:
    """The current environment without any TRADEPIVOT_* variable and with the XDG
    directories moved under ``home``: no user config file, no user warehouse."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPIVOT_")}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = home / var.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    return env


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
    }


def machine() -> dict[str, Any]:
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions: dict[str, str] = {"python": platform.python_version()}
    for module in ("duckdb", "pyarrow", "pandas"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            versions[module] = "not installed"
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "cpus": os.cpu_count(),
        "memory_gb": mem_gb,
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in load] if load else None,
        "versions": versions,
    }


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width table; numeric columns right-aligned."""

    def cell(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if isinstance(value, int) or abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}"

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(headers)]
    numeric = [
        any(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows)
        for i in range(len(headers))
    ]
    lines = [
        "  ".join(
            h.rjust(w) if num else h.ljust(w)
            for h, w, num in zip(headers, widths, numeric, strict=True)
        ).rstrip()
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in text:
        lines.append(
            "  ".join(
                v.rjust(w) if num else v.ljust(w)
                for v, w, num in zip(row, widths, numeric, strict=True)
            ).rstrip()
        )
    return "\n".join(lines)


def write_json(path: Path | None, payload: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=_default) + "\n", encoding="utf-8")
    print(f"\nresults written to {path}")


def _default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def fail_details(child: Child) -> str:
    tail = (child.stderr or child.stdout).strip().splitlines()[-15:]
    return f"exit {child.returncode}: " + "\n    ".join(tail)

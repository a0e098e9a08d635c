"""The run report of a ``geokobling`` command: ``run.json``, ``summary.txt`` and the rounded screen tables.

A :class:`RunReport` collects, while a command runs, what a planner needs to trust and repeat the
result: each input's path, size, sha256, layer, CRS and row count; every parameter; the time of each
step; the coverage of the values (people reached by road, by straight line, not routed); each warning
once; the files written; and the command line that reruns it (``geokobling rerun run.json``).

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> report = RunReport("basiskriterium", ["basiskriterium", "--values", "k.csv"], folder)
>>> with report.step("grade"):
...     pass
>>> report.warning("3 rows have no value"), report.warning("3 rows have no value")
(True, False)
>>> sorted(json.loads(report.write()["run.json"].read_text()))[:4]
['argv', 'command', 'coverage', 'finished']
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__

__all__ = ["RunReport", "describe_file", "coverage", "screen_table", "tidy_for_file", "RUN_FILE"]

RUN_FILE = "run.json"
SUMMARY_FILE = "summary.txt"
SCHEMA = 1
"""The version of the layout of ``run.json``; it grows when keys change meaning."""

_CHUNK = 1 << 20


def describe_file(path: str | Path) -> dict[str, Any]:
    """Path (absolute), size in bytes and sha256 of a file, or of a folder (a FileGDB) as a whole.

    A folder's size is that of its files, its sha256 that of their relative names and contents in
    sorted order, so that any change in any file changes it.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = path.write_text("kommune\\n0301\\n")
    >>> info = describe_file(path)
    >>> info["size_bytes"], info["sha256"] == hashlib.sha256(b"kommune\\n0301\\n").hexdigest()
    (13, True)
    """
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        size = 0
        for file in files:
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            size += _hash_into(digest, file)
    else:
        size = _hash_into(digest, path)
    return {"path": str(path.resolve()), "size_bytes": size, "sha256": digest.hexdigest()}


def _hash_into(digest: Any, path: Path) -> int:
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size


def _vector_info(path: Path, layer: str | None) -> dict[str, Any]:
    """CRS and feature count of a vector file's layer, read from its header (no features read)."""
    import pyogrio

    suffixes = "".join(path.suffixes).lower()
    if path.suffix.lower() in (".csv", ".tsv", ".txt", ".json") or suffixes.endswith((".osm.pbf", ".osm")):
        return {}
    options = {"WRITE_GFS": "NO"} if path.suffix.lower() == ".gml" else {}
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            import pyarrow.parquet as pq

            return {"rows": pq.ParquetFile(path).metadata.num_rows}
        with warnings.catch_warnings():  # "more than one layer found": the reader chose and named its layer
            warnings.simplefilter("ignore", UserWarning)
            info = pyogrio.read_info(path, layer=layer, **options)
    except Exception:  # noqa: BLE001 - the report describes what it can; the reader gives the error
        return {}
    rows = int(info["features"])
    return {"crs": info.get("crs"), "rows": rows if rows >= 0 else None, "layer": info.get("layer_name")}


def coverage(kommuner: pd.DataFrame, values: pd.DataFrame | None = None) -> dict[str, Any] | None:
    """People by road, by straight line and not routed: the sums of a :func:`~geokobling.kommune_values` table.

    ``values`` (the per-grunnkrets result) adds the people and rows of each ``status``. None when the
    table has no coverage columns (values of another origin).

    Examples
    --------
    >>> kommuner = pd.DataFrame({"population": [150.0, 10.0], "people_by_road": [125.0, 0.0],
    ...     "people_by_straight_line": [25.0, 0.0], "people_not_routed": [0.0, 10.0]})
    >>> cover = coverage(kommuner)
    >>> cover["by_road"], cover["by_straight_line"], cover["not_routed"], cover["share_not_routed"]
    (125, 25, 10, 0.0625)
    """
    columns = {"by_road": "people_by_road", "by_straight_line": "people_by_straight_line"}
    columns["not_routed"] = "people_not_routed"
    if not set(columns.values()) <= set(kommuner.columns):
        return None
    total = float(pd.to_numeric(kommuner["population"], errors="coerce").fillna(0.0).sum())
    result: dict[str, Any] = {"people": _number(total)}
    for key, column in columns.items():
        people = float(kommuner[column].sum())
        result[key] = _number(people)
        result[f"share_{key}"] = round(people / total, 4) if total else None
    if values is not None and "status" in values.columns:
        people = pd.to_numeric(values["population"], errors="coerce").fillna(0.0)
        status = values["status"].astype("string").fillna("missing").to_numpy()
        result["rows"] = len(values)
        result["people_per_status"] = {str(k): _number(v) for k, v in people.groupby(status).sum().items()}
        result["rows_per_status"] = {
            str(k): int(v) for k, v in pd.Series(status).value_counts().sort_index().items()
        }
    return result


def _number(value: float) -> int:
    """People as whole numbers (``678692``, never ``678692.0``); shares of people reached are rounded."""
    return int(round(value))


@dataclass
class RunReport:
    """What one command did, written as ``run.json`` and ``summary.txt`` into its output folder."""

    command: str
    argv: list[str]
    folder: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, Any] | None = None
    results: dict[str, Any] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    rerun_argv: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def add_input(
        self, flag: str, path: str | Path, *, layer: str | None = None, **known: Any
    ) -> dict[str, Any]:
        """Describe the input of ``flag``: path, size, sha256, and layer, CRS and rows where they are known."""
        path = Path(path)
        entry: dict[str, Any] = {**describe_file(path), "layer": layer, "crs": None, "rows": None}
        entry.update({k: v for k, v in _vector_info(path, layer).items() if v is not None})
        entry.update({k: v for k, v in known.items() if v is not None})
        key = (
            flag
            if flag not in self.inputs
            else f"{flag} {len([k for k in self.inputs if k.startswith(flag)]) + 1}"
        )
        self.inputs[key] = entry
        return entry

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the step ``name``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps.append({"step": name, "seconds": round(time.perf_counter() - started, 3)})

    def warning(self, message: str) -> bool:
        """Keep ``message`` once; True when it is new (and should be shown)."""
        if message in self.warnings:
            return False
        self.warnings.append(message)
        return True

    def output(self, path: Path) -> Path:
        self.outputs.append(path.name)
        return path

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "geokobling_version": __version__,
            "command": self.command,
            "argv": list(self.argv),
            "rerun_argv": list(self.rerun_argv),
            "started": _timestamp(self.started),
            "finished": _timestamp(time.time()),
            "seconds": round(time.time() - self.started, 3),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "inputs": self.inputs,
            "parameters": self.parameters,
            "steps": self.steps,
            "coverage": self.coverage,
            "results": self.results,
            "warnings": self.warnings,
            "outputs": sorted({*self.outputs, RUN_FILE, SUMMARY_FILE}),
        }

    def write(self) -> dict[str, Path]:
        """Write ``run.json`` and ``summary.txt``; returns their paths."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = self.as_dict()
        run = self.folder / RUN_FILE
        run.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable) + "\n", encoding="utf-8"
        )
        summary = self.folder / SUMMARY_FILE
        summary.write_text("\n".join(self._summary(data)) + "\n", encoding="utf-8")
        return {RUN_FILE: run, SUMMARY_FILE: summary}

    def _summary(self, data: dict[str, Any]) -> list[str]:
        lines = [
            f"geokobling {data['geokobling_version']}: {self.command}",
            f"run {data['started']} ({data['seconds']:.1f} s); rerun with: geokobling rerun "
            f"{(self.folder / RUN_FILE).resolve()}",
            "",
            "inputs:",
        ]
        for flag, entry in self.inputs.items():
            details = [f"{_size(entry['size_bytes'])}", f"sha256 {entry['sha256'][:12]}"]
            details += [f"layer {entry['layer']}"] if entry.get("layer") else []
            details += [str(entry["crs"])] if entry.get("crs") else []
            details += [f"{entry['rows']} rows"] if entry.get("rows") is not None else []
            lines.append(f"  {flag} {entry['path']} ({', '.join(details)})")
        if not self.inputs:
            lines.append("  none")
        shown = ", ".join(f"{k}={v}" for k, v in self.parameters.items())
        lines += ["", f"parameters: {shown}", ""]
        lines += ["steps: " + ", ".join(f"{s['step']} {s['seconds']:.1f} s" for s in self.steps), ""]
        if self.coverage:
            lines += [coverage_line(self.coverage), ""]
        lines += self.lines
        lines += ["", f"warnings ({len(self.warnings)}):" if self.warnings else "warnings: none"]
        lines += [f"  - {w}" for w in self.warnings]
        lines += ["", "files: " + ", ".join(data["outputs"])]
        return lines


def coverage_line(cover: dict[str, Any]) -> str:
    """One sentence: how the people of the values were reached."""

    def share(key: str) -> str:
        value = cover.get(f"share_{key}")
        return "-" if value is None else f"{100 * value:.1f} %"

    return (
        f"coverage: {cover['people']} people; by road {cover['by_road']} ({share('by_road')}), by straight line "
        f"{cover['by_straight_line']} ({share('by_straight_line')}), not routed {cover['not_routed']} "
        f"({share('not_routed')})"
    )


def _timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")


def _size(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")  # pragma: no cover


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


# --- tables on screen and in files ---------------------------------------------------------------------

_PEOPLE = ("population", "people", "innbyggere", "residents")
_MONEY = ("loss", "refund", "net")


def _kind_of(column: str) -> str:
    name = str(column).lower()
    if name.endswith("_km") or name == "grenseverdi":
        return "km"
    if any(word in name for word in _PEOPLE) or name in _MONEY:
        return "whole"
    if name.endswith("_m"):
        return "metres"
    if name in ("basiskriterium", "population_share") or name.endswith("_share"):
        return "share"
    return "other"


def screen_table(frame: pd.DataFrame, *, columns: Sequence[str] | None = None, max_rows: int = 40) -> str:
    """``frame`` as text, rounded for reading: km to 2 decimals, people and money as whole numbers.

    Examples
    --------
    >>> table = pd.DataFrame({"kommune": ["0301"], "population": [678692.0], "strukturkriteriet_km": [1.23456]})
    >>> print(screen_table(table))
    kommune population strukturkriteriet_km
       0301     678692                 1.23
    """
    shown = frame[list(columns)] if columns is not None else frame
    rest = max(len(shown) - max_rows, 0)
    if rest:
        shown = shown.head(max_rows)
    formatters = {}
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]) or pd.api.types.is_bool_dtype(shown[column]):
            continue
        kind = _kind_of(str(column))
        if kind == "km":
            formatters[column] = lambda v: "" if pd.isna(v) else f"{v:.2f}"
        elif kind in ("whole", "metres"):
            formatters[column] = lambda v: "" if pd.isna(v) else f"{v:.0f}"
        elif kind == "share":
            formatters[column] = lambda v: "" if pd.isna(v) else f"{v:.3f}"
        elif pd.api.types.is_float_dtype(shown[column]):
            formatters[column] = lambda v: "" if pd.isna(v) else f"{v:.4g}"
    text = shown.to_string(index=False, formatters=formatters, na_rep="")
    if rest:
        text += f"\n… and {rest} more rows"
    return text


def tidy_for_file(frame: pd.DataFrame) -> pd.DataFrame:
    """People columns as whole numbers where every value is one (``678692``, not ``678692.0``); values as they are."""
    tidy = frame.copy()
    for column in tidy.columns:
        values = tidy[column]
        if _kind_of(str(column)) != "whole" or str(column).lower() in _MONEY:
            continue
        if not pd.api.types.is_float_dtype(values):
            continue
        finite = values.dropna()
        if len(finite) and np.all(np.isfinite(finite)) and np.all(finite == np.round(finite)):
            tidy[column] = values.round().astype("Int64")
    return tidy

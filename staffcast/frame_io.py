"""Frame files in and out: CSV through pyarrow's reader and writer, Parquet by file name.

The one place frame files (history, events, forecast, requirements, coverage, ...) are
read and written. A CSV is read with every column as text, exactly as the file spells
it, so the validators downstream can quote a bad cell and name its row and column; the
helpers `plain_numbers` and `offset_timestamps` convert a whole text column at once and
return None when any cell is unusual, leaving that column to the validator's careful
path. A CSV is written byte for byte as pandas' `to_csv(index=False)` writes it (floats
in shortest round-trip form with a trailing `.0` for whole numbers, timestamps as
`2026-12-07 08:00:00+08:00`, missing values as empty cells, `\\n` line ends), so every
output reads back with the same values; a frame whose cells the fast writer cannot
render that way (cells needing quotes, naive or sub-second timestamps, object cells
that are not text, ...) is written by pandas itself.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from staffcast.errors import InputError

PARQUET_SUFFIXES = (".parquet", ".pq")
_QUOTE_BYTES = np.frombuffer(b',"\r\n', dtype=np.uint8)
# An ISO 8601 time with seconds and its UTC offset, as staffcast writes them.
_OFFSET_STAMP = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$"


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """True when the file name says Parquet (`.parquet` or `.pq`), else the file is CSV."""
    return Path(path).suffix.lower() in PARQUET_SUFFIXES


# ---------------------------------------------------------------- reading


def read_frame(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, int]:
    """Read a CSV or Parquet file: the frame and the row number of its first record.

    CSV: every column is text (empty cells are empty strings, spaces after a comma are
    dropped, column names stripped); the header is row 1, so the first record is row 2.
    A UTF-8 byte-order mark is skipped. Parquet: the stored columns as they are (typed);
    the first record is row 1. Any failure to read is a one-line `InputError`.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if is_parquet(path):
        import pyarrow.parquet as pq  # only when a Parquet file is read or written

        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(path, f"cannot read as CSV or Parquet: {_first_line(exc)}") from None
        return table.to_pandas().reset_index(drop=True), 1
    return _read_csv(path), 2


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _header(path: Path) -> list[str]:
    """Column names of the first line, as CSV (quotes honoured), BOM skipped."""
    with path.open("rb") as fh:
        line = fh.readline()
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start + 1} of the row); save the file as UTF-8",
                         row=1) from None
    names = next(csv.reader([text.rstrip("\r\n")], skipinitialspace=True), [])
    if not any(name.strip() for name in names):
        raise InputError(path, "cannot read as CSV or Parquet: no header row (column names) on the first line",
                         row=1)
    return names


def _read_csv(path: Path) -> pd.DataFrame:
    names = _header(path)
    stripped = [name.strip() for name in names]
    seen: set[str] = set()
    for name in stripped:
        if name in seen:
            raise InputError(path, f"column {name!r} appears twice in the header", row=1)
        seen.add(name)
    try:
        table = _arrow_csv(path, names, threads=True)
    except (pa.ArrowException, OSError) as exc:
        _explain(path, names, exc)
    # Drop the spaces a writer may put after each comma (as pandas' skipinitialspace).
    columns = [pc.utf8_ltrim(table.column(i), " ") for i in range(table.num_columns)]
    return pa.table(columns, names=stripped).to_pandas()


def _arrow_csv(path: Path, names: list[str], *, threads: bool, invalid=None) -> pa.Table:
    return pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), null_values=[],
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _explain(path: Path, names: list[str], exc: BaseException) -> NoReturn:
    """Raise the `InputError` for a CSV Arrow could not read, naming the row when it can:
    a row with the wrong number of cells, or bytes that are not UTF-8."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as bad:
                raise InputError(path, f"not UTF-8 text (byte {bad.start + 1} of the row); save the file "
                                 "as UTF-8", row=number) from None
    rows = []

    def keep(row) -> str:
        rows.append(row)
        return "error"

    try:  # again on one thread, which numbers the rows
        _arrow_csv(path, names, threads=False, invalid=keep)
    except (pa.ArrowException, OSError):
        pass
    if rows:
        raise InputError(path, f"expected {rows[0].expected_columns} cells as in the header, got "
                         f"{rows[0].actual_columns}", row=rows[0].number) from None
    raise InputError(path, f"cannot read as CSV or Parquet: {_first_line(exc)}") from None


def _text(series: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array without missing cells, or None."""
    try:
        arr = pa.array(series, type=pa.string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return None if arr.null_count else arr


def plain_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """Float values and blank mask of a text column whose every cell is a number or blank.

    Cells are stripped of whitespace; blank cells give NaN. Returns None when any cell is
    missing or not a number as Arrow parses one, so the caller's own check can name it.
    """
    arr = _text(series)
    if arr is None:
        return None
    text = pc.utf8_trim_whitespace(arr)
    blank = pc.equal(text, "")
    try:
        values = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), text), pa.float64())
    except pa.ArrowException:
        return None
    return (pd.Series(values.to_numpy(zero_copy_only=False), index=series.index, dtype=float),
            pd.Series(blank.to_numpy(zero_copy_only=False), index=series.index, dtype=bool))


def offset_timestamps(series: pd.Series) -> pd.Series | None:
    """UTC instants (datetime64[ns, UTC]) of a text column whose every cell is an ISO 8601
    time with seconds and its UTC offset (`2026-12-07 08:00:00+08:00`), else None."""
    arr = _text(series)
    if arr is None:
        return None
    text = pc.utf8_trim_whitespace(arr)
    if len(text) == 0 or not pc.all(pc.match_substring_regex(text, _OFFSET_STAMP)).as_py():
        return None
    try:
        stamps = pc.cast(text, pa.timestamp("ns", tz="UTC"))
    except pa.ArrowException:
        return None
    out = stamps.to_pandas()
    out.index = series.index
    return out


# ---------------------------------------------------------------- writing


def write_frame(frame: pd.DataFrame, target: str | os.PathLike[str], *, parquet: bool | None = None) -> None:
    """Write `frame` (without its index) to `target` as Parquet or CSV.

    `parquet` defaults to what `target`'s name says; `staffcast.files.write_frame_atomic`
    passes it for the temporary file it writes first. Not atomic by itself.
    """
    if parquet is None:
        parquet = is_parquet(target)
    if parquet:
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), target)
        return
    table = csv_table(frame)
    if table is None:
        frame.to_csv(target, index=False, lineterminator="\n")
    else:
        pa_csv.write_csv(table, target, write_options=pa_csv.WriteOptions(
            quoting_style="none", quoting_header="none", eol="\n"))


def csv_table(frame: pd.DataFrame) -> pa.Table | None:
    """The frame's CSV cells as an Arrow table of strings (None where a cell is empty),
    or None when some cell or column name cannot be written this way unquoted."""
    names = list(frame.columns)
    if len(names) < 2 or not all(isinstance(n, str) for n in names) or len(set(names)) < len(names):
        return None  # a lone empty cell would need quotes; odd headers are left to pandas
    if any(any(c in n for c in ',"\r\n') for n in names):
        return None
    columns = []
    for name in names:
        column = _csv_cells(frame[name])
        if column is None:
            return None
        columns.append(column)
    return pa.table(columns, names=names)


def _csv_cells(series: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _stamp_cells(series)
    if pd.api.types.is_bool_dtype(dtype):
        flags = pa.array(series, type=pa.bool_(), from_pandas=True)
        return pc.if_else(flags, "True", "False")
    if pd.api.types.is_integer_dtype(dtype):
        return pc.cast(pa.array(series, from_pandas=True), pa.string())
    if dtype == np.float64:
        return float_cells(series.to_numpy())
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        try:
            text = pa.array(series, type=pa.string(), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            return None  # object cells that are not text: pandas writes str() of each
        return None if _needs_quotes(text) else text
    return None


def _needs_quotes(text: pa.Array | pa.ChunkedArray) -> bool:
    """Does any cell hold a comma, quote or line break? Scans the UTF-8 bytes: those ASCII
    bytes never occur inside a multi-byte character (a sliced array's spare bytes can only
    make this say yes, and pandas then writes the frame)."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is not None and np.isin(np.frombuffer(data, dtype=np.uint8), _QUOTE_BYTES).any():
            return True
    return False


def float_cells(values: np.ndarray) -> pa.Array:
    """Floats as pandas writes them (numpy's shortest round-trip repr: `12.0`, `0.1`,
    `1e-05`, `1e+16`, `inf`); NaN becomes a missing cell.

    Arrow renders most values the same but for a missing `.0` on whole numbers, and its
    exponent form differs; values where either would use an exponent are rendered by
    numpy, a small share in practice.
    """
    nan = np.isnan(values)
    text = pc.cast(pa.array(values, mask=nan), pa.string())
    with np.errstate(invalid="ignore"):
        mag = np.abs(values)
        redo = ~nan & (((mag < 1e-4) & (values != 0)) | (mag >= 1e16))
        redo |= pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False)
        whole = ~redo & ~nan & (values == np.floor(values))
    if whole.any():
        flags = pa.array(whole)
        text = pc.replace_with_mask(text, flags, pc.binary_join_element_wise(pc.filter(text, flags), ".0", ""))
    if redo.any():
        text = pc.replace_with_mask(text, pa.array(redo), pa.array(values[redo].astype(str).tolist(), pa.string()))
    return text


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _stamp_cells(series: pd.Series) -> pa.Array | None:
    """tz-aware timestamps as `YYYY-MM-DD HH:MM:SS+HH:MM` in their own zone (pandas'
    `str(Timestamp)`); None when any has a fraction of a second or a year outside
    1000-9999 (pandas' own writer renders those).

    Each distinct date and each distinct time of day with its offset is formatted once.
    """
    missing = series.isna().to_numpy()
    local = series.dt.tz_localize(None).to_numpy()
    local_s = local.astype("datetime64[s]")
    if np.any((local_s != local) & ~missing):
        return None
    utc_s = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    local_i = np.where(missing, 0, local_s.view(np.int64))
    offset = np.where(missing, 0, local_i - utc_s.view(np.int64))
    days, clock = np.divmod(local_i, 86400)
    if len(days) and (days.min() < -354285 or days.max() > 2932896):  # 1000-01-01 .. 9999-12-31
        return None
    day_codes, day_values = pd.factorize(days)
    day_text = pa.array(np.asarray(day_values, dtype="datetime64[D]").astype(str).tolist(), pa.string())
    tail_codes, tail_values = pd.factorize(clock * 200_000 + offset + 100_000)  # |offset| < 1 day
    tails = []
    for key in np.asarray(tail_values).tolist():
        seconds, off = divmod(key, 200_000)
        tails.append(f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
                     + _offset_text(off - 100_000))
    cells = pc.binary_join_element_wise(pc.take(day_text, day_codes), pc.take(pa.array(tails, pa.string()),
                                                                              tail_codes), " ")
    if missing.any():
        cells = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), cells)
    return cells

"""Big tables on disk: checked rows kept as Parquet and split into one partition per workbook, streaming.

A fill of a multi-million-row export must not hold the export in memory, let alone several copies of it.
:func:`..sources.load` writes a table that grows past :data:`SPILL_ROWS` rows, batch by checked batch, to a
Parquet file in a temporary folder: a :class:`SpilledTable`. Its row count is known from the file's
metadata without reading it (so a table too long for a sheet is refused before any work); a column is read
on its own (the values to split by); :meth:`SpilledTable.partition` streams the rows once through pyarrow's
dataset writer into one partition per split value, and each workbook's job reads only its own partition
(:func:`materialize`), in whichever process fills it.

The partitions are numbered, not named after the values: two owners "Ann" and "ann" stay apart on a file
system that ignores case. Rows keep the order of the files (a ``_seq`` column), and rows left out after
the fact (duplicate keys with ``--skip-bad-rows``) are dropped when read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .. import data_model

#: A table with more rows than this is kept on disk while a fill runs (when the caller gives a folder).
SPILL_ROWS = 200_000
ROWS_PER_GROUP = 65_536
MAX_OPEN_FILES = 512
_ARROW_TYPES = {
    "date": pa.timestamp("ns"),
    "datetime": pa.timestamp("ns"),
    "number": pa.float64(),
    "money": pa.float64(),
    "percent": pa.float64(),
    "integer": pa.int64(),
    "bool": pa.bool_(),
}
BOOKKEEPING = ("_file", "_row", "_seq")  # where each row came from, and its place in the files


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of a data-model table with its bookkeeping columns."""
    fields = [pa.field(c.name, _ARROW_TYPES.get(c.type, pa.string())) for c in data_model.TABLES[table].columns]
    return pa.schema([*fields, pa.field("_file", pa.string()), pa.field("_row", pa.int64()), ("_seq", pa.int64())])


class SpillWriter:
    """Appends checked frames of one table (data-model columns plus ``_file``, ``_row``) to a Parquet file."""

    def __init__(self, path: Path, table: str) -> None:
        self.path, self.table = path, table
        self.schema = arrow_schema(table)
        self.rows = 0
        self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, frame: pd.DataFrame) -> None:
        frame = frame.assign(_seq=np.arange(self.rows, self.rows + len(frame), dtype=np.int64))
        batch = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self._writer.write_table(batch, row_group_size=ROWS_PER_GROUP)
        self.rows += len(frame)

    def close(self, excluded: Sequence[int] = ()) -> SpilledTable:
        """The table written; ``excluded``: ``_seq`` numbers of rows to leave out when it is read."""
        self._writer.close()
        left_out = tuple(sorted(set(excluded)))
        return SpilledTable(self.path, self.table, self.rows - len(left_out), left_out)


class SpilledTable:
    """A checked data-model table kept on disk (see the module's docstring). Enough of a frame's interface
    for planning: ``len()``, ``columns``, ``table[column]`` (one column, read on its own), ``in``."""

    def __init__(
        self,
        path: Path,
        table: str,
        rows: int,
        excluded: tuple[int, ...] = (),
        constant: tuple[str, str] | None = None,
    ) -> None:
        self.path, self.table, self.rows, self.excluded, self.constant = Path(path), table, rows, excluded, constant

    def __repr__(self) -> str:
        return f"SpilledTable({self.table!r}, {self.rows:,} rows at {self.path})"

    def __len__(self) -> int:
        return self.rows

    @property
    def columns(self) -> list[str]:
        return [c.name for c in data_model.TABLES[self.table].columns]

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    def __getitem__(self, column: str) -> pd.Series:
        """One column of every row, in file order."""
        if self.constant is not None and column == self.constant[0]:
            return pd.Series([self.constant[1]] * self.rows, dtype=object, name=column)
        table = self._read([column, "_seq"])
        return _restored(table.to_pandas(), self.table)[column]

    def _dataset(self) -> ds.Dataset:
        return ds.dataset(self.path, format="parquet")

    def _filter(self) -> Any:
        if not self.excluded:
            return None
        return ~pc.field("_seq").isin(pa.array(self.excluded, pa.int64()))

    def _read(self, columns: Sequence[str] | None = None) -> pa.Table:
        if self.constant is not None and columns is not None:
            columns = [c for c in columns if c != self.constant[0]]
        table = self._dataset().to_table(columns=columns, filter=self._filter())
        return table.sort_by("_seq") if "_seq" in table.column_names else table

    def _batches(self) -> Iterator[pa.RecordBatch]:
        yield from self._dataset().to_batches(filter=self._filter(), batch_size=ROWS_PER_GROUP)

    def to_pandas(self) -> pd.DataFrame:
        """The rows as the frame :func:`..sources.load` makes of a table it keeps in memory."""
        frame = _restored(self._read().to_pandas(), self.table)
        if self.constant is not None:
            frame[self.constant[0]] = self.constant[1]
        return frame[self.columns]

    def empty_frame(self) -> pd.DataFrame:
        """No rows, with the columns and types of :meth:`to_pandas`."""
        return _restored(arrow_schema(self.table).empty_table().to_pandas(), self.table)[self.columns]

    def partition(
        self,
        assign: str | Callable[[pd.DataFrame], pd.Series],
        values: Sequence[str],
        directory: Path,
        columns: Sequence[str] = (),
    ) -> dict[str, SpilledTable]:
        """The rows of each of ``values``, streamed once into ``directory``. ``assign``: a column holding each
        row's value (compared as text), or a function giving the value of each row of a batch (a frame of the
        ``columns`` it reads, typed as :meth:`to_pandas` types them; ``<NA>``: no value). Rows of other values
        are in no partition; values without rows get an empty table."""
        directory.mkdir(parents=True, exist_ok=True)
        value_set = pa.array([str(v) for v in values], pa.string())
        schema = arrow_schema(self.table).append(pa.field("_part", pa.int32()))
        if isinstance(assign, str):
            column = assign

            def assign(frame: pd.DataFrame) -> pd.Series:
                return frame[column].astype("string")

            columns = [column]

        def numbered() -> Iterator[pa.RecordBatch]:
            for batch in self._batches():
                present = [c for c in columns if c in batch.schema.names]
                keys = _restored(batch.select(present).to_pandas(), self.table)
                if self.constant is not None and self.constant[0] in columns:
                    keys[self.constant[0]] = self.constant[1]
                text = pa.array(assign(keys).astype("string").to_numpy(dtype=object, na_value=None), pa.string())
                part = pc.index_in(text, value_set=value_set)
                batch = pa.RecordBatch.from_arrays([*batch.columns, part], schema=schema)
                yield batch.filter(pc.is_valid(part))

        ds.write_dataset(
            numbered(),
            directory,
            schema=schema,
            format="parquet",
            partitioning=ds.partitioning(pa.schema([("_part", pa.int32())]), flavor="hive"),
            max_open_files=MAX_OPEN_FILES,
            max_rows_per_group=ROWS_PER_GROUP,
            existing_data_behavior="overwrite_or_ignore",
        )
        result = {}
        for index, value in enumerate(value_set.to_pylist()):
            folder = directory / f"_part={index}"
            if folder.is_dir():
                rows = ds.dataset(folder, format="parquet").count_rows()
                result[value] = SpilledTable(folder, self.table, rows)
            else:
                result[value] = _empty(self.table, directory / f"_empty-{index}.parquet")
        return result


def _empty(table: str, path: Path) -> SpilledTable:
    pq.write_table(arrow_schema(table).empty_table(), path)
    return SpilledTable(path, table, 0)


def _restored(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Column types as :func:`..sources.load` gives them: text and bool as objects with None, Int64, ns dates."""
    for column in data_model.TABLES[table].columns:
        if column.name not in frame:
            continue
        series = frame[column.name]
        if column.type == "integer":
            frame[column.name] = series.astype("Int64")
        elif column.type in ("date", "datetime"):
            frame[column.name] = series.astype("datetime64[ns]")
        elif column.type not in _ARROW_TYPES or column.type == "bool":  # text, categories, TRUE/FALSE
            frame[column.name] = series.astype(object).where(series.notna(), None)
    return frame.drop(columns=[c for c in ("_seq", "_part") if c in frame]).reset_index(drop=True)


def release_memory() -> None:
    """Give memory freed after a big read back to the system (Arrow's pool, the C heap), so the processes
    forked to fill the workbooks do not start from a swollen parent."""
    import gc

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        pass


def materialize(data: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """``data`` with every :class:`SpilledTable` read into a frame (a workbook's own partition)."""
    return {name: t.to_pandas() if isinstance(t, SpilledTable) else t for name, t in data.items()}


__all__ = ["SPILL_ROWS", "SpillWriter", "SpilledTable", "arrow_schema", "materialize", "release_memory"]

"""Files are never half-written: unique temporary names, one run per folder, symbolic links written through,
one-line errors for full or read-only disks, complete backups.

The concurrent-runs test starts two real ``kpi fill`` processes into one folder with different data; the
disk errors are simulated in-process (the tests run as root, for whom permissions do not fail).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.test_split import PERIOD, kpi_rows, sales_data, table
from workbook_templates import sample_data
from workbook_templates.fill import batch, commands, files, refresh

PROJECT = Path(__file__).resolve().parents[1]


def invoke(*args: object) -> object:
    return CliRunner().invoke(commands.app, [str(a) for a in args])


def one_line(output: str) -> str:
    return " ".join(output.split())


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".partial")]


def test_temporary_names_are_unique_and_in_the_destination_folder(tmp_path: Path) -> None:
    target = tmp_path / "sales.xlsx"
    with files.atomic_path(target) as first, files.atomic_path(target) as second:
        assert first != second and first.parent == second.parent == tmp_path
        first.write_bytes(b"first")
        second.write_bytes(b"second")
    assert target.read_bytes() == b"first" and no_leftovers(tmp_path)  # the last to finish wins, whole
    with pytest.raises(RuntimeError), files.atomic_path(target) as third:
        third.write_bytes(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"first" and no_leftovers(tmp_path)


def test_two_concurrent_fills_into_one_folder_end_with_a_valid_file_and_truthful_reports(tmp_path: Path) -> None:
    frames = sample_data.generate()
    tables = ("Deals", "Reps", "Targets", "Subscriptions")
    full = tmp_path / "full"
    sample_data.write_csv(full, frames={name: frames[name] for name in tables})
    half = tmp_path / "half"
    sample_data.write_csv(half, frames={name: frames[name] for name in tables})
    deals = frames["Deals"]
    sample_data.write_csv(half, frames={"Deals": deals.iloc[::2]})  # every other deal
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "COLUMNS": "200"}
    command = [sys.executable, "-m", "workbook_templates.fill.commands", "fill", "sales", "--out", str(out)]
    command += ["--period", *PERIOD]
    runs = {
        name: subprocess.Popen(
            [*command, "--data", str(data)], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        for name, data in (("full", full), ("half", half))
    }
    finished = {name: (run.wait(timeout=600), *run.communicate()) for name, run in runs.items()}
    writers = [name for name, (code, text, _) in finished.items() if code == 0 and "Written: 1" in one_line(text)]
    assert len(writers) == 1, finished  # exactly one run wrote the workbook
    for name, (code, out_text, err_text) in finished.items():
        report = one_line(out_text + err_text)
        assert "Traceback" not in report
        if name != writers[0]:  # the other: refused, because the folder was in use or now holds other inputs
            assert code == 1, report
            assert "is in use by another kpi fill" in report or "filled from other inputs" in report, report
    written = out / "sales.xlsx"
    assert zipfile.ZipFile(written).testzip() is None and batch.is_complete(written)
    writer_deals = deals if writers[0] == "full" else deals.iloc[::2]
    won = writer_deals[
        (writer_deals["Status"] == "Won")
        & (writer_deals["CloseDate"] >= pd.Timestamp(PERIOD[0]))
        & (writer_deals["CloseDate"] <= pd.Timestamp(PERIOD[1]))
    ]
    assert len(won) > 10
    assert kpi_rows(written, "sales")["bookings"]["value"] == pytest.approx(won["Amount"].sum())
    assert no_leftovers(out)


def test_a_folder_in_use_is_refused_at_once(tmp_path: Path) -> None:
    data = sales_data(tmp_path / "data")
    out = tmp_path / "out"
    with files.FolderLock([out]):
        busy = invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD)
    assert busy.exit_code == 1
    assert f"Not started: {out} is in use by another kpi fill" in one_line(busy.output)
    assert not (out / "sales.xlsx").exists()
    free = invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD)
    assert free.exit_code == 0, free.output


def test_a_symlinked_workbook_is_written_through_to_its_target(tmp_path: Path) -> None:
    data = sales_data(tmp_path / "data")
    shared = tmp_path / "shared"
    shared.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    first = invoke("fill", "sales", "--data", data, "--out", shared, "--period", *PERIOD)
    assert first.exit_code == 0, first.output
    (out / "sales.xlsx").symlink_to(shared / "sales.xlsx")
    again = invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD, "--force")
    assert again.exit_code == 0, again.output
    assert (out / "sales.xlsx").is_symlink() and os.readlink(out / "sales.xlsx") == str(shared / "sales.xlsx")
    assert batch.is_complete(shared / "sales.xlsx") and no_leftovers(shared)


def _fail_with(code: int):  # noqa: ANN202 - a replacement for os.fsync
    def fail(descriptor: int) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize("code,problem", [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "the disk is read-only")])
def test_a_full_or_read_only_disk_fails_in_one_line_leaving_the_old_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, problem: str
) -> None:
    data = sales_data(tmp_path / "data")
    out = tmp_path / "out"
    assert invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD).exit_code == 0
    before = (out / "sales.xlsx").read_bytes()
    monkeypatch.setattr(files.os, "fsync", _fail_with(code))
    result = invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD, "--force")
    assert result.exit_code == 1
    report = one_line(result.output)
    assert "Failed:" in report and problem in report and "Traceback" not in report
    assert (out / "sales.xlsx").read_bytes() == before and no_leftovers(out)


def test_a_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    data = sales_data(tmp_path / "data")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke("fill", "sales", "--data", data, "--out", blocker / "out", "--period", *PERIOD)
    assert result.exit_code == 2  # refused as a wrong --out before any work, like every bad option value
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and f"--out {blocker / 'out'}" in errors[0] and "is a file, not a folder" in errors[0]
    assert "Traceback" not in result.output


def test_a_backup_is_complete_or_not_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refresh copies the workbook before touching it; a disk that fills up during the copy leaves no
    truncated backup, and the workbook as it was."""
    data = sales_data(tmp_path / "data")
    out = tmp_path / "out"
    assert invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD).exit_code == 0
    workbook = out / "sales.xlsx"
    before = workbook.read_bytes()

    real_fdopen = os.fdopen

    def half_then_full(handle: int, mode: str = "r", *args: object, **kwargs: object):  # noqa: ANN202
        stream = real_fdopen(handle, mode, *args, **kwargs)
        original_write = stream.write

        def write(data: bytes) -> int:
            original_write(data[: len(data) // 2])  # part of the backup reaches the disk, then it is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        stream.write = write
        return stream

    monkeypatch.setattr(refresh.os, "fdopen", half_then_full)  # the backup's writer
    new_deals = tmp_path / "new"
    new_deals.mkdir()
    shutil.copy(data / "Deals.csv", new_deals / "Deals.csv")
    result = invoke("refresh", workbook, "--data", new_deals)
    assert result.exit_code == 1 and "the disk is full" in one_line(result.output)
    assert "Traceback" not in result.output
    assert workbook.read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".kpi-fill")) == ["sales.xlsx"]
    assert openpyxl.load_workbook(workbook)["Deals"].max_row == len(table("Deals", [])) + 6  # header + 5 deals

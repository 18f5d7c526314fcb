"""Big tables on disk: what a fill reads from a spilled table and its partitions is exactly what it would
have held in memory, per table, per split value, with bad and duplicate rows left out the same way.

Small data stands in for big: the tests lower the row count past which a table is kept on disk.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from workbook_templates import sample_data
from workbook_templates.fill import commands, sources, spill, split


@cache
def frames() -> dict[str, pd.DataFrame]:
    return sample_data.generate()


def deals_folder(directory: Path) -> Path:
    sample_data.write_csv(directory, frames={name: frames()[name] for name in ("Deals", "Reps", "Targets")})
    return directory


def test_a_spilled_table_reads_back_as_the_frame_in_memory(tmp_path: Path) -> None:
    data = deals_folder(tmp_path / "data")
    in_memory = sources.load([data]).frames
    spilled = sources.load([data], spill_dir=tmp_path / "spill", spill_rows=500).frames
    deals = spilled["Deals"]
    assert isinstance(deals, spill.SpilledTable) and isinstance(spilled["Reps"], pd.DataFrame)
    assert len(deals) == len(frames()["Deals"]) and list(deals.columns) == list(in_memory["Deals"].columns)
    pd.testing.assert_frame_equal(deals.to_pandas(), in_memory["Deals"])
    pd.testing.assert_series_equal(deals["Owner"], in_memory["Deals"]["Owner"])


def test_skipped_rows_and_duplicate_keys_are_left_out_of_a_spilled_table(tmp_path: Path) -> None:
    deals = frames()["Deals"].head(1200).copy()
    deals.loc[700, "DealId"] = deals.loc[3, "DealId"]  # a duplicate key after the table went to disk
    deals.loc[900, "Amount"] = -5.0  # below the minimum
    data = tmp_path / "data"
    sample_data.write_csv(data, frames={"Deals": deals})
    in_memory = sources.load([data], skip_bad_rows=True)
    spilled = sources.load([data], skip_bad_rows=True, spill_dir=tmp_path / "spill", spill_rows=300)
    assert {(b.row, b.column) for b in spilled.skipped} == {(702, "DealId"), (902, "Amount")}
    assert spilled.skipped == in_memory.skipped
    assert len(spilled.frames["Deals"]) == 1198
    pd.testing.assert_frame_equal(spilled.frames["Deals"].to_pandas(), in_memory.frames["Deals"])
    with pytest.raises(sources.BadData) as caught:
        sources.load([data], spill_dir=tmp_path / "spill2", spill_rows=300)
    assert {(b.row, b.column) for b in caught.value.bad} == {(702, "DealId"), (902, "Amount")}


def test_partitions_hold_each_value_s_rows_in_file_order(tmp_path: Path) -> None:
    data = deals_folder(tmp_path / "data")
    in_memory = sources.load([data]).frames
    spilled = sources.load([data], spill_dir=tmp_path / "spill", spill_rows=500).frames
    owners = sorted(in_memory["Deals"]["Owner"].unique()) + ["Nobody"]
    expected = split.split_data(in_memory, "owner", owners).frames
    got = split.split_data(spilled, "owner", owners).frames
    for owner in owners:
        part = got[owner]["Deals"]
        assert isinstance(part, spill.SpilledTable)
        want = expected[owner]["Deals"].reset_index(drop=True)
        assert len(part) == len(want)
        pd.testing.assert_frame_equal(part.to_pandas(), want, obj=owner)
    assert len(got["Nobody"]["Deals"]) == 0
    # the definition, not the code under test: an owner's deals are the rows naming them as Owner
    ann = owners[0]
    by_hand = in_memory["Deals"][in_memory["Deals"]["Owner"] == ann].reset_index(drop=True)
    pd.testing.assert_frame_equal(got[ann]["Deals"].to_pandas(), by_hand)


#: Tables of every kind of split rule: their own team/region column, a person through Reps, following the
#: customer (Subscriptions, Tickets, NpsResponses), scoped (Targets, Forecasts), company-level (Campaigns).
RULE_TABLES = (
    "Reps",
    "Deals",
    "Leads",
    "Customers",
    "Subscriptions",
    "Tickets",
    "NpsResponses",
    "Targets",
    "Forecasts",
    "Campaigns",
)


@pytest.mark.parametrize("split_by", split.SPLITS)
def test_a_streamed_split_gives_each_value_the_rows_the_in_memory_split_gives(tmp_path: Path, split_by: str) -> None:
    """Every table past the threshold streamed by its own split rule: the same rows per value, in the same
    order, the same tables left out (with their reason) and the same counts of rows in no workbook."""
    tables = {name: frames()[name].copy() for name in RULE_TABLES}
    tables["Deals"].loc[tables["Deals"].index[:7], "Owner"] = "Someone Reps does not know"
    data = tmp_path / "data"
    sample_data.write_csv(data, frames=tables)
    in_memory = sources.load([data]).frames
    streamed = sources.load([data], spill_dir=tmp_path / "spill", spill_rows=150).frames
    on_disk = {name for name, frame in streamed.items() if isinstance(frame, spill.SpilledTable)}
    assert {"Deals", "Customers", "Subscriptions", "Targets", "Campaigns"} <= on_disk and "Reps" not in on_disk
    values = set()
    for name, frame in in_memory.items():
        assigned = split.row_values(name, frame, split_by, in_memory)
        if not isinstance(assigned, str):
            values |= set(assigned.dropna())
    values = sorted(values - {"Someone Reps does not know"}) + ["Nobody"]  # gets no workbook
    expected = split.split_data(in_memory, split_by, values)
    got = split.split_data(streamed, split_by, values, spill_dir=tmp_path / "parts")
    assert got.left_out == expected.left_out and "Campaigns" in got.left_out
    assert got.outside == expected.outside
    if split_by == "owner":
        assert got.outside["Deals"] == 7  # the rows of the person with no workbook are counted
    placed = dict.fromkeys(on_disk, 0)
    for value in values:
        for name in in_memory:
            part = got.frames[value][name]
            frame = part.to_pandas() if isinstance(part, spill.SpilledTable) else part.reset_index(drop=True)
            want = expected.frames[value][name].reset_index(drop=True)
            pd.testing.assert_frame_equal(frame, want, obj=f"{value} {name}")
            placed[name] = placed.get(name, 0) + len(want)
    assert all(placed[name] for name in on_disk - set(got.left_out))  # no rule compared empty with empty
    assert all(len(got.frames[value][name]) == 0 for value in values for name in got.left_out)


def test_owners_alike_but_for_case_stay_apart(tmp_path: Path) -> None:
    deals = frames()["Deals"].head(600).copy()
    deals.loc[deals.index[:300], "Owner"] = "Ann Lee"
    deals.loc[deals.index[300:], "Owner"] = "ann lee"
    sample_data.write_csv(tmp_path / "data", frames={"Deals": deals})
    table = sources.load([tmp_path / "data"], spill_dir=tmp_path / "spill", spill_rows=100).frames["Deals"]
    parts = table.partition("Owner", ["Ann Lee", "ann lee"], tmp_path / "parts")
    assert (len(parts["Ann Lee"]), len(parts["ann lee"])) == (300, 300)
    assert set(parts["ann lee"].to_pandas()["Owner"]) == {"ann lee"}


def test_fill_split_by_region_streams_customer_tables_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole command for the customer-success team by region: every sheet of every region's workbook
    holds the same rows whether its tables were streamed from disk or held in memory."""
    data = tmp_path / "data"
    tables = ("Reps", "Customers", "Subscriptions", "Finance")  # Finance: company-level, left out
    sample_data.write_csv(data, frames={name: frames()[name] for name in tables})
    runner = CliRunner()
    common = ["fill", "customer_success", "--data", str(data), "--split", "region"]
    assert runner.invoke(commands.app, [*common, "--out", str(tmp_path / "memory")]).exit_code == 0
    monkeypatch.setattr(spill, "SPILL_ROWS", 150)
    result = runner.invoke(commands.app, [*common, "--out", str(tmp_path / "disk")])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path / "memory") for p in (tmp_path / "memory").rglob("*.xlsx"))
    assert len(written) > 1
    assert written == sorted(p.relative_to(tmp_path / "disk") for p in (tmp_path / "disk").rglob("*.xlsx"))
    for path in written:
        books = [openpyxl.load_workbook(tmp_path / root / path, data_only=True) for root in ("memory", "disk")]
        for name in ("Customers", "Subscriptions", "KPIs"):  # the rows, and the KPI values computed from them
            rows = [list(book[name].iter_rows(values_only=True)) for book in books]
            assert len(rows[0]) > 1 and rows[0] == rows[1], (path, name)
        rows = [list(book["Finance"].iter_rows(values_only=True)) for book in books]
        assert rows[0] == rows[1] and len(rows[0]) <= 2, path  # header (and an empty row): left out


def test_fill_split_by_owner_from_a_spilled_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole command: each owner's workbook holds the same Deals rows whether the table was on disk or not."""
    data = deals_folder(tmp_path / "data")
    runner = CliRunner()
    common = ["fill", "sales", "--data", str(data), "--split", "owner"]
    assert runner.invoke(commands.app, [*common, "--out", str(tmp_path / "memory")]).exit_code == 0
    monkeypatch.setattr(spill, "SPILL_ROWS", 400)
    result = runner.invoke(commands.app, [*common, "--out", str(tmp_path / "disk")])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path / "memory") for p in (tmp_path / "memory").rglob("*.xlsx"))
    assert written and written == sorted(p.relative_to(tmp_path / "disk") for p in (tmp_path / "disk").rglob("*.xlsx"))
    for path in written:
        rows = []
        for root in ("memory", "disk"):
            ws = openpyxl.load_workbook(tmp_path / root / path, read_only=True)["Deals"]
            rows.append(list(ws.iter_rows(values_only=True)))
        assert rows[0] == rows[1], path

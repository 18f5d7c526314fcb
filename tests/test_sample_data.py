"""The common data model and the deterministic sample data generated from it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbook_templates import data_model as dm
from workbook_templates import sample_data as sd

DOC = Path(__file__).resolve().parents[1] / "docs" / "DATA_MODEL.md"
QUARTERS = pd.period_range("2024Q1", "2025Q4", freq="Q")


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return sd.generate()


def _in(dates: pd.Series, quarter: pd.Period) -> pd.Series:
    """Rows whose date falls in ``quarter``."""
    return (dates >= quarter.start_time) & (dates <= quarter.end_time)


def _references_ok(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Columns with values missing from the column they reference."""
    bad = []
    for table in dm.TABLES.values():
        for col in table.columns:
            if col.references:
                ref_table, ref_col = col.references.split(".")
                values = frames[table.name][col.name].dropna()
                missing = set(values) - set(frames[ref_table][ref_col])
                if missing:
                    bad.append(f"{table.name}[{col.name}]: {sorted(missing)[:3]}")
    return bad


# --- the data model -------------------------------------------------------------------------------------


def test_model_helpers() -> None:
    assert dm.column_names("Deals")[:3] == ["DealId", "Account", "Owner"]
    assert dm.table("Deals").column("CloseDate").required is False
    assert dm.table("Deals").column("Status").allowed == ("Open", "Won", "Lost")
    with pytest.raises(KeyError, match="unknown table"):
        dm.table("Opportunities")
    assert "Tickets" in [t.name for t in dm.tables_for_team("support")]
    assert all(dm.tables_for_team(team) for team in dm.TEAMS)


def test_model_rejects_bad_declarations() -> None:
    with pytest.raises(ValueError, match="CamelCase"):
        dm.Column("Close Date", "date", "x")
    with pytest.raises(ValueError, match="unknown type"):
        dm.Column("CloseDate", "timestamp", "x")
    with pytest.raises(ValueError, match="allowed values"):
        dm.Column("Status", "category", "x")
    with pytest.raises(ValueError, match="unknown key column"):
        dm.Table("Things", "x", (dm.Column("Id", "text", "x"),), key=("ThingId",))
    with pytest.raises(KeyError, match="unknown team"):
        dm.tables_for_team("sales_ops")


def test_model_names_are_structured_reference_friendly() -> None:
    for table in dm.TABLES.values():
        assert re.fullmatch(r"[A-Z][A-Za-z]+", table.name)
        for col in table.columns:
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", col.name)
            if col.references:
                ref_table, ref_col = col.references.split(".")
                assert ref_col in dm.column_names(ref_table)


def test_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == dm.render_markdown(), (
        "regenerate: python -m workbook_templates.data_model > docs/DATA_MODEL.md"
    )


def test_check_frame_reports_problems(data: dict[str, pd.DataFrame]) -> None:
    deals = data["Deals"].copy()
    deals.loc[0, "Status"] = "Maybe"
    deals.loc[1, "Created"] = pd.NaT
    problems = dm.check_frame("Deals", deals)
    assert any("Status" in p and "Maybe" in p for p in problems)
    assert any("Created" in p and "blank" in p for p in problems)
    assert dm.check_frame("Deals", deals.drop(columns="ACV"))


# --- shape and types ------------------------------------------------------------------------------------


def test_same_seed_same_data(data: dict[str, pd.DataFrame]) -> None:
    again = sd.generate()
    for name in dm.TABLES:
        pd.testing.assert_frame_equal(data[name], again[name])


@pytest.mark.parametrize("seed", [1, 99])
def test_other_seeds_differ_and_conform(data: dict[str, pd.DataFrame], seed: int) -> None:
    other = sd.generate(seed)
    assert not other["Deals"].equals(data["Deals"])
    for name, frame in other.items():
        assert dm.check_frame(name, frame) == []
    assert _references_ok(other) == []


def test_every_table_and_column_with_its_type(data: dict[str, pd.DataFrame]) -> None:
    assert list(data) == list(dm.TABLES)
    for name, frame in data.items():
        assert list(frame.columns) == dm.column_names(name)
        assert len(frame) > 0, name
        assert dm.check_frame(name, frame) == [], name
        for col in dm.TABLES[name].columns:
            dtype = frame[col.name].dtype
            if col.type in ("date", "datetime"):
                assert dtype == "datetime64[ns]", (name, col.name)
            elif col.type == "bool":
                assert pd.api.types.is_bool_dtype(dtype), (name, col.name)
            elif col.type == "integer":
                assert dtype == ("int64" if col.required else "float64"), (name, col.name)
            elif col.type in ("number", "money", "percent"):
                assert dtype == "float64", (name, col.name)


def test_references_between_tables(data: dict[str, pd.DataFrame]) -> None:
    assert _references_ok(data) == []
    won = data["Deals"][data["Deals"]["Status"] == "Won"]
    assert won["Account"].isin(data["Customers"]["Customer"]).all()
    assert data["Forecasts"].query("Scope == 'Rep'")["Owner"].isin(data["Reps"]["Rep"]).all()
    assert data["Targets"].query("Scope == 'Source'")["Owner"].isin(dm.LEAD_SOURCES).all()
    role = data["Deals"]["Owner"].map(data["Reps"].set_index("Rep")["Role"])
    renewal = data["Deals"]["DealType"] == "Renewal"
    assert role[~renewal].eq("AE").all() and role[renewal].eq("CSM").all()
    assert data["Deals"]["SdrOwner"].dropna().map(data["Reps"].set_index("Rep")["Role"]).eq("SDR").all()


def test_fixed_period_without_the_clock(data: dict[str, pd.DataFrame]) -> None:
    for name, frame in data.items():
        for col in dm.TABLES[name].columns:
            if col.type in ("date", "datetime") and col.name not in ("ExpectedCloseDate",):
                assert frame[col.name].max() <= sd.END + pd.Timedelta(days=1), (name, col.name)
    for name in ("Finance", "Campaigns", "Web", "Social", "Targets", "Forecasts"):
        assert data[name]["Month"].min() == sd.START and data[name]["Month"].max() == pd.Timestamp("2025-12-01")
    assert data["Deals"]["Created"].min() >= sd.PIPELINE_START
    assert data["Leads"]["Created"].min() >= sd.PIPELINE_START
    assert data["Subscriptions"]["Month"].min() == sd.OPENING_MONTH


# --- consistency ----------------------------------------------------------------------------------------


def test_deal_dates_and_stages(data: dict[str, pd.DataFrame]) -> None:
    deals = data["Deals"]
    closed = deals[deals["Status"] != "Open"]
    open_ = deals[deals["Status"] == "Open"]
    assert (closed["CloseDate"] >= closed["Created"]).all()
    assert (closed["LastStageChange"] == closed["CloseDate"]).all()
    assert open_["CloseDate"].isna().all() and open_["Stage"].isin(dm.OPEN_STAGES).all()
    assert (closed["Stage"] == closed["Status"].map({"Won": "Closed Won", "Lost": "Closed Lost"})).all()
    assert (deals["LastStageChange"] >= deals["Created"]).all()
    assert (deals["LastStageChange"] <= sd.END).all()


def test_deal_amounts(data: dict[str, pd.DataFrame]) -> None:
    deals = data["Deals"]
    assert (deals["Amount"] <= deals["ListAmount"]).all()
    assert (deals["Amount"] == deals["ACV"]).all()
    tcv = deals["ACV"] * deals["ContractMonths"] / 12 + deals["OneTimeFees"]
    assert np.allclose(deals["TCV"], tcv)
    assert set(deals["ContractMonths"]) == {12, 24, 36}
    assert (deals["Referral"] == (deals["Source"] == "Referral")).all()
    assert (deals["PresalesInvolved"] == deals["PresalesOwner"].notna()).all()
    assert ((deals["PresalesHours"] > 0) == deals["PresalesInvolved"]).all()
    assert deals["PresalesOwner"].dropna().map(data["Reps"].set_index("Rep")["Role"]).eq("SE").all()
    assert (deals.query("DealType == 'Renewal'")["OneTimeFees"] == 0).all()


def test_lead_funnel(data: dict[str, pd.DataFrame]) -> None:
    leads, deals = data["Leads"], data["Deals"]
    assert (leads["MQLDate"].dropna() >= leads.loc[leads["MQLDate"].notna(), "Created"]).all()
    assert leads.loc[leads["SQLDate"].notna(), "MQLDate"].notna().all()
    assert (leads["SQLDate"] >= leads["MQLDate"]).where(leads["SQLDate"].notna(), True).all()
    assert (leads["Converted"] == leads["DealId"].notna()).all()
    assert (leads["Converted"] == (leads["Status"] == "Converted")).all()
    converted = leads[leads["Converted"]].merge(deals, on="DealId", suffixes=("", "Deal"))
    assert (converted["ConvertedDate"] == converted["CreatedDeal"]).all()
    assert (converted["Owner"] == converted["SdrOwner"]).all()


def test_ticket_timings(data: dict[str, pd.DataFrame]) -> None:
    t = data["Tickets"]
    assert (t["FirstResponse"] >= t["Created"]).where(t["FirstResponse"].notna(), True).all()
    assert (t["Resolved"] >= t["FirstResponse"]).where(t["Resolved"].notna(), True).all()
    assert ((t["Status"] == "Resolved") == t["Resolved"].notna()).all()
    assert t.loc[t["Resolved"].isna(), "CSAT"].isna().all()
    assert t["Agent"].map(data["Reps"].set_index("Rep")["Role"]).eq("Support").all()


def test_people_dates(data: dict[str, pd.DataFrame]) -> None:
    reps, customers = data["Reps"], data["Customers"]
    for col in ("FirstProspectContact", "OnboardingEnd", "ProductiveDate", "ExitDate"):
        assert (reps[col] > reps["HireDate"]).where(reps[col].notna(), True).all(), col
    assert (
        (customers["OnboardingStart"] >= customers["StartDate"]).where(customers["OnboardingStart"].notna(), True).all()
    )
    assert customers.loc[customers["OnboardingEnd"].notna(), "OnboardingStart"].notna().all()
    for col in ("OnboardingEnd", "FirstQBRDate", "TimeToValueDate", "ChurnDate"):
        assert (customers[col] > customers["StartDate"]).where(customers[col].notna(), True).all(), col


def test_mrr_bridge(data: dict[str, pd.DataFrame]) -> None:
    subs = data["Subscriptions"].sort_values(["Customer", "Month"])
    before = subs.groupby("Customer")["MRR"].shift(fill_value=0.0)
    moved = (
        before
        + subs["NewMRR"]
        + subs["ExpansionMRR"]
        + subs["ReactivationMRR"]
        - subs["ContractionMRR"]
        - subs["ChurnedMRR"]
    )
    opening = subs["Month"] == sd.OPENING_MONTH
    assert np.allclose(subs.loc[~opening, "MRR"], moved[~opening], atol=0.01)
    last = subs.groupby("Customer").tail(1).set_index("Customer")
    churned = data["Customers"].set_index("Customer")["ChurnDate"].dropna()
    assert (last.loc[churned.index, "MRR"] == 0).all()
    assert (last.loc[churned.index, "Month"] == churned).all()
    gap = subs.groupby("Customer")["Month"].diff().dt.days
    returning = subs["ReactivationMRR"] > 0
    assert gap[~returning].dropna().between(28, 31).all()  # one row a month, except while away
    assert (gap[returning] > 31).all() and (before[returning] == 0).all()


def test_returning_customers_are_reactivation_not_new(data: dict[str, pd.DataFrame]) -> None:
    """A customer who churns and comes back later books Reactivation MRR (ChartMogul, dbt mrr-playbook)."""
    subs, customers = data["Subscriptions"], data["Customers"].set_index("Customer")
    back = subs[subs["ReactivationMRR"] > 0]
    assert len(back) >= 10 and back["Customer"].is_unique
    assert (back["NewMRR"] == 0).all() and np.allclose(back["MRR"], back["ReactivationMRR"])
    assert (customers.loc[back["Customer"], "ReactivationDate"].to_numpy() == back["Month"].to_numpy()).all()
    assert customers["ReactivationDate"].notna().sum() == len(back)
    for row in back.itertuples():  # each had paid, then had a month at 0 (its churn) before coming back
        earlier = subs[(subs["Customer"] == row.Customer) & (subs["Month"] < row.Month)]
        assert (earlier["MRR"] > 0).any() and earlier["MRR"].iloc[-1] == 0 and earlier["ChurnedMRR"].iloc[-1] > 0
    # each period of the sample has reactivations to show: the last quarter and its last month
    quarter = back[back["Month"] >= pd.Timestamp("2025-10-01")]
    assert len(quarter) >= 3 and (quarter["Month"] == pd.Timestamp("2025-12-01")).any()
    # new MRR counts first-time customers only: a new customer's first row, never a returning one's
    first_rows = subs.sort_values("Month").groupby("Customer").head(1)
    new = subs[subs["NewMRR"] > 0]
    assert set(new.index) <= set(first_rows.index)


def test_cash_balance_follows_the_cash_flows(data: dict[str, pd.DataFrame]) -> None:
    fin = data["Finance"]
    flows = (fin["CashIn"] - fin["CashOut"]).to_numpy()
    assert np.allclose(np.diff(fin["CashBalance"].to_numpy()), flows[1:], atol=0.02)
    assert (fin["CashBalance"] > 0).all()
    last_quarter = fin[fin["Month"] >= pd.Timestamp("2025-10-01")]
    assert (last_quarter["CashIn"] - last_quarter["CashOut"]).sum() < 0  # the sample company burns cash


def test_finance_and_marketing_add_up(data: dict[str, pd.DataFrame]) -> None:
    fin = data["Finance"]
    assert np.allclose(fin["SalesMarketingSpend"], fin["SalesSpend"] + fin["MarketingSpend"])
    assert (fin["ContentSpend"] < fin["MarketingSpend"]).all()
    assert (fin["OperatingExpenses"] > fin["SalesMarketingSpend"] + fin["CustomerSuccessSpend"]).all()
    mrr = data["Subscriptions"].groupby("Month")["MRR"].sum().reindex(fin["Month"]).to_numpy()
    assert (fin["Revenue"].to_numpy() >= mrr - 0.01).all()
    spend = data["Campaigns"].groupby("Month")["Spend"].sum().to_numpy()
    assert (fin["MarketingSpend"].to_numpy() > spend).all()
    leads = data["Leads"]
    in_period = leads[leads["Created"] >= sd.START]
    campaign_leads = data["Campaigns"]["Leads"].sum()
    assert campaign_leads == in_period["Source"].isin(dm.CAMPAIGN_CHANNELS).sum()


def test_forecast_actuals_are_bookings(data: dict[str, pd.DataFrame]) -> None:
    deals = data["Deals"]
    won = deals[(deals["Status"] == "Won") & deals["DealType"].isin(["New", "Expansion"])]
    won_2025 = won.loc[won["CloseDate"].dt.year == 2025, "Amount"].sum()
    company = data["Forecasts"].query("Scope == 'Company'")
    assert company.loc[company["Month"].dt.year == 2025, "Actual"].sum() == pytest.approx(won_2025)


# --- plausibility ---------------------------------------------------------------------------------------


def test_sales_plausibility(data: dict[str, pd.DataFrame]) -> None:
    deals, reps = data["Deals"], data["Reps"]
    assert 1500 <= len(deals) <= 5000
    closed = deals[deals["Status"] != "Open"]
    assert 0.2 <= (closed["Status"] == "Won").mean() <= 0.6
    new = closed[closed["DealType"] == "New"]
    assert 0.2 <= (new["Status"] == "Won").mean() <= 0.45
    assert 0.15 <= (deals["Status"] == "Open").mean() <= 0.35
    presales = new.groupby("PresalesInvolved")["Status"].apply(lambda s: (s == "Won").mean())
    assert presales[True] > presales[False]
    won_new = new[new["Status"] == "Won"]
    discount = 1 - won_new["Amount"].sum() / won_new["ListAmount"].sum()
    assert 0.04 <= discount <= 0.2
    assert 0.1 <= (won_new["Amount"] == won_new["ListAmount"]).mean() <= 0.6
    cycle = (closed["CloseDate"] - closed["Created"]).dt.days.groupby(closed["Segment"]).mean()
    assert cycle["SMB"] < cycle["Mid-Market"] < cycle["Enterprise"] < 180
    # Quarter-end spikes: the last month of each quarter books far more than a third of new business.
    won = deals[(deals["Status"] == "Won") & (deals["DealType"] != "Renewal") & (deals["CloseDate"] >= sd.START)]
    by_month = won.groupby(won["CloseDate"].dt.month)["Amount"].sum()
    assert by_month[by_month.index % 3 == 0].sum() / by_month.sum() > 0.45
    active = reps["ExitDate"].isna()
    assert 20 <= active.sum() <= 32 and reps["ExitDate"].notna().sum() >= 2
    assert (reps["HireDate"] >= sd.START).sum() >= 2
    assert set(reps["Role"]) == set(dm.ROLES)


def test_customer_plausibility(data: dict[str, pd.DataFrame]) -> None:
    subs = data["Subscriptions"]
    y2025 = subs[subs["Month"].dt.year == 2025]
    start = subs.loc[subs["Month"] == pd.Timestamp("2024-12-01"), "MRR"].sum()
    lost = y2025["ChurnedMRR"].sum() + y2025["ContractionMRR"].sum()
    grr, nrr = 1 - lost / start, 1 - (lost - y2025["ExpansionMRR"].sum()) / start
    assert 0.8 <= grr <= 0.98 and grr < nrr <= 1.2
    customers = (subs["MRR"] > 0).groupby(subs["Month"]).sum()
    churned = (subs["ChurnedMRR"] > 0).groupby(subs["Month"]).sum()
    monthly_churn = churned.iloc[1:].sum() / customers.iloc[:-1].sum()
    assert 0.003 <= monthly_churn <= 0.03
    t = data["Tickets"]
    response_hours = ((t["FirstResponse"] - t["Created"]).dt.total_seconds() / 3600).mean()
    assert 0.5 <= response_hours <= 24
    assert 0.6 <= (t["CSAT"].dropna() >= 4).mean() <= 0.95
    assert 3 <= t["CES"].mean() <= 6.5
    scores = data["NpsResponses"]["Score"]
    assert -20 <= 100 * ((scores >= 9).mean() - (scores <= 6).mean()) <= 60
    assert ((t["Status"] != "Resolved") & t["Escalated"]).sum() > 0
    company = data["Forecasts"].query("Scope == 'Company'")
    accuracy = (1 - (company["Forecast"] - company["Actual"]).abs() / company["Actual"]).clip(lower=0)
    assert 0.7 <= accuracy.mean() <= 1


def test_every_kpi_has_data_each_quarter(data: dict[str, pd.DataFrame]) -> None:
    """The denominators and inputs of the catalogue's KPIs are non-zero in every quarter of the period."""
    d, leads, subs, t, fin = data["Deals"], data["Leads"], data["Subscriptions"], data["Tickets"], data["Finance"]
    acts, reps = data["Activities"], data["Reps"]
    for q in QUARTERS:
        closed = d[_in(d["CloseDate"], q)]
        q_subs = subs[_in(subs["Month"], q)]
        q_fin = fin[_in(fin["Month"], q)]
        q_acts = acts[_in(acts["Date"], q)]
        q_leads = leads[_in(leads["Created"], q)]
        counts = {
            "won": (closed["Status"] == "Won").sum(),
            "lost": (closed["Status"] == "Lost").sum(),
            "won with presales": (closed["PresalesInvolved"] & (closed["Status"] == "Won")).sum(),
            "won with collateral": (closed["CollateralUsed"] & (closed["Status"] == "Won")).sum(),
            "won referral": (closed["Referral"] & (closed["Status"] == "Won")).sum(),
            "won expansion": ((closed["DealType"] == "Expansion") & (closed["Status"] == "Won")).sum(),
            "new opportunities": _in(d["Created"], q).sum(),
            "sdr sourced": (d["SdrOwner"].notna() & _in(d["Created"], q)).sum(),
            "leads": len(q_leads),
            "mqls": _in(leads["MQLDate"], q).sum(),
            "sqls": _in(leads["SQLDate"], q).sum(),
            "meetings set": (q_acts["Outcome"] == "Meeting Set").sum(),
            "cadences completed": ((q_acts["Type"] == "Cadence") & (q_acts["Outcome"] == "Completed")).sum(),
            "cs meetings": (q_acts["Owner"].map(reps.set_index("Rep")["Role"]) == "CSM").sum(),
            "new mrr": q_subs["NewMRR"].sum(),
            "expansion mrr": q_subs["ExpansionMRR"].sum(),
            "contraction mrr": q_subs["ContractionMRR"].sum(),
            "churned mrr": q_subs["ChurnedMRR"].sum(),
            "onboarded customers": _in(data["Customers"]["OnboardingEnd"], q).sum(),
            "first qbrs": _in(data["Customers"]["FirstQBRDate"], q).sum(),
            "time to value": _in(data["Customers"]["TimeToValueDate"], q).sum(),
            "tickets": _in(t["Created"], q).sum(),
            "bugs": (_in(t["Created"], q) & (t["Type"] == "Bug")).sum(),
            "escalations": (_in(t["Created"], q) & t["Escalated"]).sum(),
            "csat answers": (_in(t["Created"], q) & t["CSAT"].notna()).sum(),
            "ces answers": (_in(t["Created"], q) & t["CES"].notna()).sum(),
            "nps answers": _in(data["NpsResponses"]["Date"], q).sum(),
            "training": _in(data["Training"]["Date"], q).sum(),
            "coaching": _in(data["Coaching"]["Date"], q).sum(),
            "morale answers": _in(data["Surveys"]["Date"], q).sum(),
            "s&m spend": q_fin["SalesMarketingSpend"].sum(),
            "content spend": q_fin["ContentSpend"].sum(),
            "content revenue": q_fin["ContentAttributedRevenue"].sum(),
            "cash in": q_fin["CashIn"].sum(),
            "forecast": _in(data["Forecasts"]["Month"], q).sum(),
            "targets": _in(data["Targets"]["Month"], q).sum(),
            "campaign clicks": data["Campaigns"].loc[_in(data["Campaigns"]["Month"], q), "Clicks"].sum(),
            "social messages": data["Social"].loc[_in(data["Social"]["Month"], q), "Messages"].sum(),
        }
        empty = [name for name, value in counts.items() if not value > 0]
        assert empty == [], f"{q}: {empty}"
    for year in (2024, 2025):
        hires = (reps["HireDate"].dt.year == year).sum()
        exits = (reps["ExitDate"].dt.year == year).sum()
        assert hires > 0 and exits > 0, year
        assert (data["ProcessReviews"]["Date"].dt.year == year).sum() > 0
        assert (data["Content"]["Created"].dt.year == year).sum() > 0


# --- output ---------------------------------------------------------------------------------------------


def test_write_csv(tmp_path: Path, data: dict[str, pd.DataFrame]) -> None:
    paths = sd.write_csv(tmp_path, frames=data)
    assert [p.name for p in paths] == [f"{name}.csv" for name in dm.TABLES]
    deals = pd.read_csv(tmp_path / "Deals.csv", dtype=str, keep_default_na=False)
    assert list(deals.columns) == dm.column_names("Deals")
    assert deals["Created"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert (deals["CloseDate"] == "").sum() == data["Deals"]["CloseDate"].isna().sum()
    assert set(deals["Referral"]) == {"True", "False"}
    tickets = pd.read_csv(tmp_path / "Tickets.csv", dtype=str, keep_default_na=False)
    assert tickets["Created"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert set(tickets["CSAT"]) == {"", "1", "2", "3", "4", "5"}  # whole numbers, blanks empty
    back = pd.read_csv(tmp_path / "Deals.csv", parse_dates=["Created", "CloseDate"])
    assert (back["CloseDate"].dropna() == data["Deals"]["CloseDate"].dropna()).all()
    assert np.allclose(back["Amount"], data["Deals"]["Amount"])


def test_generate_is_fast() -> None:
    started = time.perf_counter()
    sd.generate(5)
    assert time.perf_counter() - started < 5  # about 0.5 s on a developer machine; generous for CI


def test_tables_by_team_lists_exactly_the_tables_of_each_template() -> None:
    """docs/DATA_MODEL.md's "Tables by team" against the specs read here straight from their TOML files."""
    import tomllib

    spec_dir = Path(__file__).resolve().parents[1] / "workbook_templates" / "specs"
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Tables by team") :].split("\n## ")[0]
    listed = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`"):
            listed[cells[1].strip("`")] = {link.split("]")[0].lstrip("[") for link in cells[2].split(", ")}
    assert set(listed) == {p.stem for p in spec_dir.glob("*.toml")}
    for team, tables in listed.items():
        with (spec_dir / f"{team}.toml").open("rb") as f:
            assert tables == set(tomllib.load(f)["tables"]), team
    assert listed["sales"] == {"Deals", "Reps", "Targets", "Subscriptions"}  # the sales workbook's data sheets

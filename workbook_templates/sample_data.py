"""Deterministic sample data for every table of the data model: a plausible B2B SaaS company, 2024-2025.

``generate(seed)`` returns one DataFrame per table of :data:`workbook_templates.data_model.TABLES`, with
exactly the model's columns. Nothing depends on the clock: the data covers 2024-01-01 to 2025-12-31 (``END``
is the "as of" day of the CRM export); Leads and Deals also hold the pipeline built up from October 2023 and
Subscriptions opens with the December 2023 balance, so early 2024 is not empty.

The tables are consistent with each other: converted leads become deals, won new deals become customers,
won expansion deals add MRR, lost renewals are churn, tickets and NPS answers come from active customers,
Forecasts.Actual and Finance are sums over Deals and Subscriptions. Each table draws from its own random
stream (seeded by the seed and the table name), so changing how one table is drawn does not reshuffle the
draws of the others (tables built from it still follow it).

With the default seed: 31 people (4 leavers, 5 hires in the period), about 7,300 leads, 2,500 deals (about
45 % won of closed, 22 % open at the end, quarter-end spikes), 740 customers, 6,000 tickets, MRR growing
from about 1.0 to 1.9 million a month.

    python -m workbook_templates.sample_data DIRECTORY   # writes one CSV per table
"""

from __future__ import annotations

import itertools
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbook_templates.data_model import (
    CAMPAIGN_CHANNELS,
    COACHING_TOPICS,
    CONTENT_TYPES,
    LEAD_SOURCES,
    OPEN_STAGES,
    PRIORITIES,
    PRODUCTS,
    REGIONS,
    SEGMENTS,
    SOCIAL_NETWORKS,
    TABLES,
    TICKET_CHANNELS,
    TICKET_TYPES,
)

START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2025-12-31")  # the "as of" day: open deals and tickets are open on this day
PIPELINE_START = pd.Timestamp("2023-10-01")  # leads and deals start here
OPENING_MONTH = pd.Timestamp("2023-12-01")  # Subscriptions' opening balance

_END = np.datetime64(END.date(), "D")
_PIPELINE_START = np.datetime64(PIPELINE_START.date(), "D")
_FAR = np.datetime64("2100-01-01", "D")  # "no exit date"
MONTHS = np.arange(np.datetime64("2024-01", "M"), np.datetime64("2026-01", "M"))  # the 24 data months

# --- the company ----------------------------------------------------------------------------------------

# Rep, Role, Team, Region, Manager, HireDate, ExitDate, ReferralHire
_ROSTER = (
    ("Morgan Ellis", "Manager", "Leadership", "NA", None, "2019-03-04", None, False),
    ("Priya Raman", "Manager", "Enterprise", "NA", "Morgan Ellis", "2019-09-02", None, False),
    ("Marcus Reid", "Manager", "Commercial", "NA", "Morgan Ellis", "2020-02-03", None, True),
    ("Elena Novak", "Manager", "Inside Sales", "EMEA", "Morgan Ellis", "2021-01-11", None, False),
    ("Rachel Adams", "Manager", "Customer Success", "NA", "Morgan Ellis", "2020-06-01", None, False),
    ("Laura Bennett", "Enablement", "Enablement", "NA", "Morgan Ellis", "2022-09-12", None, True),
    ("Victor Alvarez", "SE", "Presales", "NA", "Morgan Ellis", "2020-10-05", None, False),
    ("Nina Petrova", "SE", "Presales", "EMEA", "Morgan Ellis", "2022-05-16", None, True),
    ("Daniel Kim", "AE", "Enterprise", "NA", "Priya Raman", "2020-05-11", None, False),
    ("Hannah Okafor", "AE", "Enterprise", "NA", "Priya Raman", "2022-04-04", None, True),
    ("Sofia Rossi", "AE", "Enterprise", "EMEA", "Priya Raman", "2021-02-01", None, False),
    ("Lukas Becker", "AE", "Enterprise", "EMEA", "Priya Raman", "2021-09-13", "2024-08-30", False),
    ("Clara Dubois", "AE", "Enterprise", "EMEA", "Priya Raman", "2024-09-16", None, True),
    ("Kenji Sato", "AE", "Enterprise", "APAC", "Priya Raman", "2023-01-09", None, False),
    ("Olivia Chen", "AE", "Commercial", "NA", "Marcus Reid", "2021-06-07", None, False),
    ("Liam Murphy", "AE", "Commercial", "NA", "Marcus Reid", "2022-01-10", "2025-03-28", False),
    ("Jack Thompson", "AE", "Commercial", "NA", "Marcus Reid", "2025-04-14", None, True),
    ("Zoe Martin", "AE", "Commercial", "NA", "Marcus Reid", "2025-10-06", None, False),
    ("Ava Patel", "AE", "Commercial", "EMEA", "Marcus Reid", "2022-08-01", None, True),
    ("Noah Fischer", "AE", "Commercial", "EMEA", "Marcus Reid", "2023-03-06", None, False),
    ("Mia Santos", "AE", "Commercial", "APAC", "Marcus Reid", "2023-07-10", None, False),
    ("Ryan Cooper", "SDR", "Inside Sales", "NA", "Elena Novak", "2022-11-07", "2024-06-28", False),
    ("Tom Baker", "SDR", "Inside Sales", "NA", "Elena Novak", "2023-09-04", None, True),
    ("Isabel Garcia", "SDR", "Inside Sales", "EMEA", "Elena Novak", "2023-02-13", None, False),
    ("Aisha Khan", "SDR", "Inside Sales", "APAC", "Elena Novak", "2024-01-15", None, True),
    ("Omar Haddad", "CSM", "Customer Success", "NA", "Rachel Adams", "2021-03-01", None, False),
    ("Julia Weber", "CSM", "Customer Success", "EMEA", "Rachel Adams", "2022-06-13", None, True),
    ("Chloe Wright", "CSM", "Customer Success", "NA", "Rachel Adams", "2023-05-01", "2025-06-30", False),
    ("Arjun Mehta", "CSM", "Customer Success", "APAC", "Rachel Adams", "2024-03-04", None, False),
    ("Fatima Ali", "Support", "Support", "EMEA", "Rachel Adams", "2022-02-07", None, False),
    ("Mark Jensen", "Support", "Support", "NA", "Rachel Adams", "2023-04-03", None, True),
)
_COACHES = ("Priya Raman", "Marcus Reid", "Elena Novak", "Rachel Adams")  # Morgan Ellis does not coach
_QUOTA = {"Enterprise": 1_200_000.0, "Commercial": 800_000.0, "Inside Sales": 400_000.0}  # AEs and SDRs
_OTE = {"AE Enterprise": 260_000.0, "AE Commercial": 180_000.0, "SDR": 90_000.0, "SE": 190_000.0,
        "CSM": 130_000.0, "Support": 80_000.0, "Enablement": 140_000.0, "Manager": 280_000.0,
        "Manager Leadership": 420_000.0}
_SALES_TEAMS = ("Enterprise", "Commercial", "Inside Sales", "Presales", "Enablement", "Leadership")
_PAYROLL_LOAD = 1.2  # benefits and taxes on top of OTE

_SEASON = np.array([1.0, 1.0, 1.05, 1.0, 1.0, 0.95, 0.85, 0.8, 1.05, 1.1, 1.05, 0.75])  # Jan..Dec
_GROWTH = 1.015  # monthly growth of lead and deal volume
_SEGMENT_P = (0.2, 0.4, 0.4)
_REGION_P = (0.5, 0.35, 0.15)
_AE_TEAM = {"Enterprise": "Enterprise", "Mid-Market": "Commercial", "SMB": "Commercial"}

# Leads: monthly volume, source mix and funnel probabilities (default, then per-source overrides).
_LEADS_PER_MONTH = 240
_SOURCE_P = (0.15, 0.1, 0.14, 0.15, 0.1, 0.08, 0.06, 0.14, 0.05, 0.03)  # in LEAD_SOURCES order
_P_MQL = {"Referral": 0.75, "Partner": 0.65, "Outbound": 0.35}
_P_SQL = {"Referral": 0.55, "Partner": 0.5, "Outbound": 0.45}
_P_MQL_DEFAULT, _P_SQL_DEFAULT, _P_CONVERT = 0.45, 0.36, 0.8

# Deals: volumes, stage timing, win chances, prices.
_DIRECT_DEALS_PER_MONTH = 22  # new business not from a lead
_DIRECT_SOURCES, _DIRECT_SOURCE_P = ("AE Sourced", "Referral", "Partner"), (0.5, 0.3, 0.2)
_EXPANSIONS_PER_MONTH = 14
_STAGE_DAYS = {"Enterprise": (10, 20, 25, 25, 20), "Mid-Market": (6, 12, 14, 12, 10), "SMB": (3, 6, 7, 6, 5)}
_LOSS_STAGE_P = (0.25, 0.3, 0.2, 0.15, 0.1)  # stage in which a lost (or stalled) deal stops
_P_STALLED = 0.17  # deals that stall and stay open without closing
_P_WIN = {"Enterprise": 0.17, "Mid-Market": 0.19, "SMB": 0.21}
_WIN_BONUS = {"Referral": 0.15, "Partner": 0.05, "Outbound": -0.04}
_PRESALES_WIN_BONUS = 0.12
_P_WIN_EXPANSION = 0.35
_LIST_ACV = {"Enterprise": 80_000, "Mid-Market": 28_000, "SMB": 9_000}  # median list price per year
_TERMS = {"Enterprise": (0.4, 0.35, 0.25), "Mid-Market": (0.6, 0.3, 0.1), "SMB": (0.9, 0.1, 0.0)}  # 12/24/36
_P_FEES = {"Enterprise": 0.9, "Mid-Market": 0.6, "SMB": 0.3}
_P_PRESALES = {"Enterprise": 0.7, "Mid-Market": 0.4, "SMB": 0.1}
_PRESALES_HOURS = {"Enterprise": 30.0, "Mid-Market": 15.0, "SMB": 6.0}

# Customers and MRR.
_BASE_CUSTOMERS = 320
_CUSTOMER_SEGMENT_P = (0.15, 0.4, 0.45)
_RENEWAL_CHURN = {"Enterprise": 0.07, "Mid-Market": 0.12, "SMB": 0.18}
_MONTHLY_CHURN = 0.004  # outside renewals
_P_RETURN = 0.2  # a churned customer comes back (Reactivation) ...
_RETURN_GAP_MONTHS = (2, 9)  # ... 2 to 8 months after the month it churned
_OPENING_CASH = 12_000_000.0  # cash at the end of December 2023
_CAPEX_SHARE = 0.1  # capitalised development and equipment, paid in cash, of revenue
_P_CONTRACTION_RENEWAL, _P_CONTRACTION_MONTHLY = 0.1, 0.004
_RENEWAL_DEAL_SEGMENTS = ("Enterprise", "Mid-Market")  # SMB renewals are automatic: no opportunity
_ONBOARDING_WEEKS = {"Enterprise": 10, "Mid-Market": 6, "SMB": 3}
_P_QBR = {"Enterprise": 0.95, "Mid-Market": 0.8, "SMB": 0.35}
_P_SUCCESS_PLAN = {"Enterprise": 0.85, "Mid-Market": 0.6, "SMB": 0.25}
_TIME_TO_VALUE_DAYS = {"Enterprise": 75, "Mid-Market": 45, "SMB": 25}

_NAME_A = ("Blue", "North", "Silver", "Bright", "Iron", "Green", "Swift", "Clear", "True", "High", "Red",
           "Deep", "Star", "Open", "Summit", "River", "Stone", "Sun", "Oak", "Cloud", "Peak", "Wave", "Pine",
           "Gold", "Harbor", "Maple", "Arrow", "Crystal", "Falcon", "Cedar")
_NAME_B = ("field", "point", "gate", "line", "bridge", "stack", "works", "path", "mark", "wave", "core",
           "view", "light", "forge", "sight", "loop", "shore", "ridge", "base", "port", "grid", "leaf",
           "craft", "vale", "spring", "dale", "hub", "crest", "wind", "bay")
_NAME_C = ("Systems", "Labs", "Logistics", "Health", "Foods", "Bank", "Energy", "Media", "Retail", "Partners",
           "Software", "Insurance", "Manufacturing", "Analytics", "Travel", "Education")


# --- small helpers --------------------------------------------------------------------------------------

def _rng(seed: int, table: str) -> np.random.Generator:
    """The random stream of one table: depends on the seed and the table name only."""
    return np.random.default_rng([seed, zlib.crc32(table.encode())])


def _month_start(months: np.ndarray) -> np.ndarray:
    """First day (datetime64[D]) of each datetime64[M]."""
    return months.astype("datetime64[D]")


def _month_of(days: np.ndarray) -> np.ndarray:
    """Month (datetime64[M]) of each day."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]")


def _volume(months: np.ndarray) -> np.ndarray:
    """Relative activity per month: seasonality times steady growth from January 2024."""
    index = (months - np.datetime64("2024-01", "M")).astype(int)
    return _SEASON[months.astype(int) % 12] * _GROWTH ** index


def _days_in_months(rng: np.random.Generator, months: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``counts[i]`` random days in ``months[i]``, in month order (datetime64[D])."""
    first = np.repeat(_month_start(months), counts)
    length = np.repeat((_month_start(months + 1) - _month_start(months)).astype(int), counts)
    return first + np.floor(rng.random(len(first)) * length).astype(int)


def _add_days(days: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Days plus whole-day offsets (floats are floored)."""
    return np.asarray(days, dtype="datetime64[D]") + np.floor(offsets).astype(int)


def _lookup(mapping: dict[str, float], keys: np.ndarray, default: float = 0.0) -> np.ndarray:
    """Per-row value of ``mapping[key]``."""
    return np.array([mapping.get(k, default) for k in keys], dtype=float)


def _choice(rng: np.random.Generator, values: tuple, p: tuple, size: int) -> np.ndarray:
    """``size`` draws of ``values`` with probabilities ``p`` (an object array)."""
    return np.array(values, dtype=object)[rng.choice(len(values), size=size, p=np.asarray(p) / sum(p))]


def _blank_after_end(days: np.ndarray) -> np.ndarray:
    """Days after END become NaT (it has not happened yet on the export day)."""
    days = np.asarray(days, dtype="datetime64[D]").copy()
    days[days > _END] = np.datetime64("NaT")
    return days


def _pick_reps(rng: np.random.Generator, reps: pd.DataFrame, days: np.ndarray, role: str,
               team: object = None, region: object = None) -> np.ndarray:
    """For each day a random rep with ``role`` (and ``team``) employed that day, preferring ``region``.

    ``team`` and ``region`` are one value or one per day.
    """
    days = np.asarray(days, dtype="datetime64[D]")[:, None]
    hire = reps["HireDate"].to_numpy("datetime64[D]")[None, :]
    leave = reps["ExitDate"].fillna(pd.Timestamp(_FAR)).to_numpy("datetime64[D]")[None, :]
    ok = (hire <= days) & (days <= leave) & (reps["Role"].to_numpy() == role)[None, :]
    if team is not None:
        ok &= reps["Team"].to_numpy()[None, :] == np.broadcast_to(np.asarray(team, object), days.shape[:1])[:, None]
    if region is not None:
        same = ok & (reps["Region"].to_numpy()[None, :] == np.broadcast_to(np.asarray(region, object),
                                                                         days.shape[:1])[:, None])
        ok = np.where(same.any(axis=1, keepdims=True), same, ok)
    if len(days) and not ok.any(axis=1).all():
        raise ValueError(f"no {role} employed on some day")
    score = np.where(ok, rng.random(ok.shape), -1.0)
    return reps["Rep"].to_numpy()[score.argmax(axis=1)]


def _current_owner(rng: np.random.Generator, reps: pd.DataFrame, owners: np.ndarray, on: np.ndarray,
                   role: str, team: object = None, region: object = None) -> np.ndarray:
    """Owners who have left by day ``on`` are replaced by a colleague employed that day."""
    leave = dict(zip(reps["Rep"], reps["ExitDate"].fillna(pd.Timestamp(_FAR)).to_numpy("datetime64[D]"),
                     strict=True))
    gone = np.array([leave[o] < d for o, d in zip(owners, on, strict=True)], dtype=bool)
    owners = owners.copy()
    if gone.any():
        owners[gone] = _pick_reps(rng, reps, on[gone], role, _subset(team, gone), _subset(region, gone))
    return owners


def _subset(value: object, mask: np.ndarray) -> object:
    """``value[mask]`` for a per-row array; a single value (or None) as it is."""
    return value if value is None or np.ndim(value) == 0 else np.asarray(value, object)[mask]


def _company_names(rng: np.random.Generator) -> np.ndarray:
    """Every company name the generator can make, shuffled; slices of it never overlap."""
    names = np.array([f"{a}{b} {c}" for a, b, c in itertools.product(_NAME_A, _NAME_B, _NAME_C)], dtype=object)
    return names[rng.permutation(len(names))]


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Order the columns as the data model does and give each its dtype."""
    frame = frame[[c.name for c in TABLES[name].columns]].reset_index(drop=True)
    for col in TABLES[name].columns:
        s = frame[col.name]
        if col.type in ("date", "datetime"):
            frame[col.name] = pd.to_datetime(s).astype("datetime64[ns]")
        elif col.type == "bool":
            frame[col.name] = s.astype(bool)
        elif col.type == "integer":
            frame[col.name] = s.astype("int64" if col.required else "float64")
        elif col.type in ("number", "money", "percent"):
            frame[col.name] = s.astype("float64")
        else:
            frame[col.name] = s.astype(object).where(s.notna(), None)
    return frame


# --- people ---------------------------------------------------------------------------------------------

def _reps(rng: np.random.Generator) -> pd.DataFrame:
    """The roster, with ramp dates drawn per rep, quotas and on-target earnings."""
    reps = pd.DataFrame(_ROSTER, columns=["Rep", "Role", "Team", "Region", "Manager", "HireDate", "ExitDate",
                                          "ReferralHire"])
    hire = reps["HireDate"].to_numpy("datetime64[D]")
    n = len(reps)
    sells = reps["Role"].isin(["AE", "SDR"]).to_numpy()
    ae = (reps["Role"] == "AE").to_numpy()
    reps["FirstProspectContact"] = np.where(sells, _add_days(hire, rng.uniform(5, 25, n)), np.datetime64("NaT"))
    reps["OnboardingEnd"] = _blank_after_end(_add_days(hire, rng.uniform(30, 75, n)))
    productive = _add_days(hire, np.where(ae, rng.uniform(120, 210, n), rng.uniform(60, 110, n)))
    reps["ProductiveDate"] = np.where(sells, _blank_after_end(productive), np.datetime64("NaT"))
    role_team = list(zip(reps["Role"], reps["Team"], strict=True))
    reps["Quota"] = [_QUOTA[team] if role in ("AE", "SDR") else np.nan for role, team in role_team]
    reps["OTE"] = [_OTE.get(f"{role} {team}", _OTE.get(role)) for role, team in role_team]
    return _conform("Reps", reps)


def _employed_share(reps: pd.DataFrame, months: np.ndarray) -> np.ndarray:
    """Share of each month (rows) each rep (columns) was employed."""
    first = _month_start(months)[:, None]
    after = _month_start(months + 1)[:, None]
    hire = reps["HireDate"].to_numpy("datetime64[D]")[None, :]
    leave = reps["ExitDate"].fillna(pd.Timestamp(_FAR)).to_numpy("datetime64[D]")[None, :] + 1
    days = (np.minimum(after, leave) - np.maximum(first, hire)).astype(int)
    return np.clip(days / (after - first).astype(int), 0, 1)


def _employed_on(rep: object, days: np.ndarray) -> np.ndarray:
    """Which of ``days`` the rep (a row of Reps from itertuples) was employed on."""
    hire = np.datetime64(rep.HireDate.date(), "D")
    leave = _FAR if pd.isna(rep.ExitDate) else np.datetime64(rep.ExitDate.date(), "D")
    return (days >= hire) & (days <= leave)


def _weekdays_employed(rng: np.random.Generator, rep: object, employed: np.ndarray, per_month: float) -> np.ndarray:
    """About ``per_month`` random weekdays in each month of MONTHS, kept where the rep was employed.

    ``employed`` says per month whether the rep worked any day of it.
    """
    days = _days_in_months(rng, MONTHS, rng.poisson(per_month * employed))
    days = np.busday_offset(days, 0, roll="backward")
    return days[_employed_on(rep, days)]


# --- leads and deals ------------------------------------------------------------------------------------

def _leads(rng: np.random.Generator, reps: pd.DataFrame, companies: np.ndarray) -> pd.DataFrame:
    """Leads since PIPELINE_START with their funnel: MQL, SQL, converted to an opportunity."""
    months = np.arange(_PIPELINE_START.astype("datetime64[M]"), MONTHS[-1] + 1)
    created = _days_in_months(rng, months, rng.poisson(_LEADS_PER_MONTH * _volume(months)))
    n = len(created)
    source = _choice(rng, LEAD_SOURCES, _SOURCE_P, n)
    segment = _choice(rng, SEGMENTS, _SEGMENT_P, n)
    region = _choice(rng, REGIONS, _REGION_P, n)
    mql_day = _add_days(created, rng.exponential(3.0, n))
    sql_day = _add_days(mql_day, rng.gamma(2.0, 4.0, n))
    converted_day = _add_days(sql_day, rng.uniform(0, 6, n))
    mql = (rng.random(n) < _lookup(_P_MQL, source, _P_MQL_DEFAULT)) & (mql_day <= _END)
    sql = mql & (rng.random(n) < _lookup(_P_SQL, source, _P_SQL_DEFAULT)) & (sql_day <= _END)
    converted = sql & (rng.random(n) < _P_CONVERT) & (converted_day <= _END)
    recent = lambda day: (_END - day).astype(int) <= 21  # noqa: E731 - still being worked on
    status = np.where(rng.random(n) < 0.55, "Disqualified", "Nurture").astype(object)
    status[(_END - created).astype(int) <= 10] = "New"
    status[mql] = np.where(recent(mql_day[mql]), "Working", "Nurture")
    status[sql] = np.where(recent(sql_day[sql]), "Working", "Disqualified")
    status[converted] = "Converted"
    nat = np.datetime64("NaT")
    leads = pd.DataFrame({
        "Created": created, "Company": companies[:n], "Source": source, "Segment": segment, "Region": region,
        "Owner": _pick_reps(rng, reps, created, "SDR", region=region), "Status": status,
        "MQLDate": np.where(mql, mql_day, nat), "SQLDate": np.where(sql, sql_day, nat),
        "Touches": np.where(source == "Outbound", 2 + rng.poisson(4, n), 1 + rng.poisson(3, n)),
        "Converted": converted, "ConvertedDate": np.where(converted, converted_day, nat), "DealId": None,
    }).sort_values("Created", kind="stable")
    leads.insert(0, "LeadId", [f"L-{i:05d}" for i in range(1, n + 1)])
    return leads


def _progress(rng: np.random.Generator, created: np.ndarray, segment: np.ndarray, p_win: np.ndarray,
              speed: float) -> dict[str, np.ndarray]:
    """Walk deals through the stages: won, lost in some stage, or stalled; what the CRM shows at END.

    Stage durations are gamma-distributed around the segment's means (times ``speed``). Some wins slip to
    the last ten days of their quarter (the quarter-end push).
    """
    n = len(created)
    means = np.array([_STAGE_DAYS[s] for s in segment], dtype=float) * speed
    durations = rng.gamma(2.0, means / 2.0)
    entered = np.floor(np.concatenate([np.zeros((n, 1)), np.cumsum(durations, axis=1)], axis=1)).astype(int)
    fate = rng.random(n)
    won = fate < p_win
    stalled = ~won & (fate < p_win + _P_STALLED)
    last_stage = np.where(won, 4, rng.choice(5, size=n, p=_LOSS_STAGE_P))
    close = created + entered[np.arange(n), last_stage + 1]
    month_no = close.astype("datetime64[M]").astype(int)  # months since 1970-01, so quarters start at 0
    quarter_end = _month_start((month_no // 3 * 3 + 3).astype("datetime64[M]")) - 1
    push = won & (rng.random(n) < 0.4)
    close = np.where(push, np.maximum(close, quarter_end - rng.integers(0, 10, n)), close)
    closed = ~stalled & (close <= _END)
    # Stage on the export day: the last one entered by END (no further than where the deal stops).
    days_open = (_END - created).astype(int)
    stage_now = np.minimum((entered[:, :5] <= days_open[:, None]).sum(axis=1) - 1, last_stage)
    stage_change = created + entered[np.arange(n), stage_now]
    expected = created + np.round(means.sum(axis=1)).astype(int)
    live = ~closed & ~stalled & (expected <= _END)  # the owner pushed the date out
    expected[live] = _END + rng.integers(7, 75, live.sum())
    return {
        "Stage": np.where(closed, np.where(won, "Closed Won", "Closed Lost"),
                          np.array(OPEN_STAGES, dtype=object)[stage_now]),
        "Status": np.where(closed, np.where(won, "Won", "Lost"), "Open"),
        "LastStageChange": np.where(closed, close, stage_change),
        "ExpectedCloseDate": expected,
        "CloseDate": np.where(closed, close, np.datetime64("NaT")),
        "Won": won,
    }


def _deals(rng: np.random.Generator, reps: pd.DataFrame, *, created: np.ndarray, account: np.ndarray,
           segment: np.ndarray, region: np.ndarray, deal_type: str, source: np.ndarray,
           lead_id: object = None, sdr: object = None) -> pd.DataFrame:
    """New-business or expansion deals: owner, stages and outcome, prices, contract, presales, flags."""
    n = len(created)
    expansion = deal_type == "Expansion"
    team = np.array([_AE_TEAM[s] for s in segment], dtype=object)
    presales = rng.random(n) < _lookup(_P_PRESALES, segment) * (0.5 if expansion else 1.0)
    if expansion:
        p_win = np.full(n, _P_WIN_EXPANSION)
    else:
        p_win = _lookup(_P_WIN, segment) + _lookup(_WIN_BONUS, source) + _PRESALES_WIN_BONUS * presales
    steps = _progress(rng, created, segment, p_win, speed=0.6 if expansion else 1.0)
    owner = _pick_reps(rng, reps, created, "AE", team, region)
    on = np.where(pd.isna(steps["CloseDate"]), _END, steps["CloseDate"]).astype("datetime64[D]")
    owner = _current_owner(rng, reps, owner, on, "AE", team, region)
    list_acv = _lookup(_LIST_ACV, segment) * (0.3 if expansion else 1.0) * rng.lognormal(0, 0.5, n)
    list_acv = np.round(list_acv, -2)
    discount = np.where(rng.random(n) < 0.3, 0.0, np.minimum(rng.beta(2, 12, n), 0.4))
    amount = np.round(list_acv * (1 - discount), -1)
    months = np.array([rng.choice([12, 24, 36], p=_TERMS[s]) for s in segment]) if not expansion else np.full(n, 12)
    fees = np.where(~expansion & (rng.random(n) < _lookup(_P_FEES, segment)),
                    np.round(amount * rng.uniform(0.05, 0.2, n), -2), 0.0)
    se = _pick_reps(rng, reps, created, "SE", region=region)
    hours = np.round(_lookup(_PRESALES_HOURS, segment) * (0.6 if expansion else 1.0)
                     * rng.lognormal(-0.1, 0.45, n) * 2) / 2
    return pd.DataFrame({
        "Account": account, "Owner": owner, "Team": team, "Region": region, "Segment": segment,
        "DealType": deal_type, "Source": source, "LeadId": lead_id, "SdrOwner": sdr, "Created": created,
        "Stage": steps["Stage"], "Status": steps["Status"], "LastStageChange": steps["LastStageChange"],
        "ExpectedCloseDate": steps["ExpectedCloseDate"], "CloseDate": steps["CloseDate"],
        "Amount": amount, "ListAmount": list_acv, "ACV": amount, "TCV": amount * months / 12 + fees,
        "ContractMonths": months, "OneTimeFees": fees, "PresalesInvolved": presales,
        "PresalesOwner": np.where(presales, se, None), "PresalesHours": np.where(presales, hours, 0.0),
        "CollateralUsed": rng.random(n) < np.where(steps["Won"], 0.6, 0.45),
        "Referral": source == "Referral",
    })


def _new_business_deals(rng: np.random.Generator, reps: pd.DataFrame, leads: pd.DataFrame,
                        companies: np.ndarray) -> pd.DataFrame:
    """Deals from converted leads plus referral, partner and AE-sourced deals."""
    conv = leads[leads["Converted"]]
    from_leads = _deals(
        rng, reps, created=conv["ConvertedDate"].to_numpy("datetime64[D]"), account=conv["Company"].to_numpy(),
        segment=conv["Segment"].to_numpy(), region=conv["Region"].to_numpy(), deal_type="New",
        source=conv["Source"].to_numpy(), lead_id=conv["LeadId"].to_numpy(), sdr=conv["Owner"].to_numpy())
    months = np.arange(_PIPELINE_START.astype("datetime64[M]"), MONTHS[-1] + 1)
    created = _days_in_months(rng, months, rng.poisson(_DIRECT_DEALS_PER_MONTH * _volume(months)))
    n = len(created)
    direct = _deals(
        rng, reps, created=created, account=companies[:n], segment=_choice(rng, SEGMENTS, _SEGMENT_P, n),
        region=_choice(rng, REGIONS, _REGION_P, n), deal_type="New",
        source=_choice(rng, _DIRECT_SOURCES, _DIRECT_SOURCE_P, n))
    return pd.concat([from_leads, direct], ignore_index=True)


def _customers(rng: np.random.Generator, reps: pd.DataFrame, new_deals: pd.DataFrame,
               companies: np.ndarray) -> pd.DataFrame:
    """Customers from before 2024 plus every won new deal; their first MRR; CS lifecycle dates.

    ChurnDate is filled in by the MRR simulation.
    """
    n_base = _BASE_CUSTOMERS
    base_segment = _choice(rng, SEGMENTS, _CUSTOMER_SEGMENT_P, n_base)
    first, last = np.datetime64("2019-01-01", "D"), np.datetime64("2023-09-30", "D")
    base_start = _add_days(first, rng.uniform(0, (last - first).astype(int), n_base))
    base_arr = _lookup(_LIST_ACV, base_segment) * 1.1 * rng.lognormal(0, 0.5, n_base)
    won = new_deals[new_deals["Status"] == "Won"]
    customers = pd.DataFrame({
        "Customer": np.concatenate([companies[:n_base], won["Account"].to_numpy()]),
        "Segment": np.concatenate([base_segment, won["Segment"].to_numpy()]),
        "Region": np.concatenate([_choice(rng, REGIONS, _REGION_P, n_base), won["Region"].to_numpy()]),
        "StartDate": np.concatenate([base_start, won["CloseDate"].to_numpy("datetime64[D]")]),
        "ContractMonths": np.concatenate([[rng.choice([12, 24, 36], p=_TERMS[s]) for s in base_segment],
                                          won["ContractMonths"].to_numpy()]),
        "InitialMRR": np.round(np.concatenate([base_arr, won["Amount"].to_numpy()]) / 12, 2),
    })
    n = len(customers)
    start = customers["StartDate"].to_numpy("datetime64[D]")
    segment = customers["Segment"].to_numpy()
    csm = _pick_reps(rng, reps, np.maximum(start, _PIPELINE_START), "CSM", region=customers["Region"].to_numpy())
    customers["CSM"] = _current_owner(rng, reps, csm, np.full(n, _END), "CSM", region=customers["Region"].to_numpy())
    onboarding = _add_days(start, rng.uniform(0, 10, n))
    customers["OnboardingStart"] = _blank_after_end(onboarding)
    customers["OnboardingEnd"] = _blank_after_end(
        _add_days(onboarding, 1 + 7 * rng.gamma(4.0, _lookup(_ONBOARDING_WEEKS, segment) / 4.0)))
    qbr = _add_days(start, rng.uniform(75, 130, n))
    customers["FirstQBRDate"] = np.where(rng.random(n) < _lookup(_P_QBR, segment), _blank_after_end(qbr),
                                         np.datetime64("NaT"))
    customers["SuccessPlan"] = rng.random(n) < _lookup(_P_SUCCESS_PLAN, segment)
    ttv = _add_days(start, 1 + rng.gamma(3.0, _lookup(_TIME_TO_VALUE_DAYS, segment) / 3.0))
    customers["TimeToValueDate"] = np.where(rng.random(n) < 0.95, _blank_after_end(ttv), np.datetime64("NaT"))
    customers["ChurnDate"] = np.datetime64("NaT")
    return customers


def _expansion_deals(rng: np.random.Generator, reps: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Upsell deals on customers that had started when the deal was created (bigger customers more often)."""
    months = np.arange(_PIPELINE_START.astype("datetime64[M]"), MONTHS[-1] + 1)
    created = _days_in_months(rng, months, rng.poisson(_EXPANSIONS_PER_MONTH * _volume(months)))
    start = customers["StartDate"].to_numpy("datetime64[D]")
    weight = _lookup({"Enterprise": 3.0, "Mid-Market": 1.5, "SMB": 1.0}, customers["Segment"].to_numpy())
    # Weighted choice among eligible customers: the largest u ** (1 / weight) wins.
    score = np.where(start[None, :] < created[:, None], rng.random((len(created), len(start))) ** (1 / weight), -1)
    pick = customers.iloc[score.argmax(axis=1)]
    return _deals(rng, reps, created=created, account=pick["Customer"].to_numpy(),
                  segment=pick["Segment"].to_numpy(), region=pick["Region"].to_numpy(), deal_type="Expansion",
                  source=np.full(len(created), "Existing Customer", dtype=object))


# --- recurring revenue ----------------------------------------------------------------------------------

def _subscriptions(rng: np.random.Generator, customers: pd.DataFrame,
                   expansions: pd.DataFrame, returns: np.random.Generator) -> tuple[pd.DataFrame, list[tuple]]:
    """Simulate MRR month by month from the December 2023 opening balance.

    Each month a customer may expand (won expansion deals), contract or churn; churn and contraction are
    likelier at a renewal (every ContractMonths after the start). A customer does not churn before its
    expansion deals are won or lost. Some churned customers come back a few months later (Reactivation;
    drawn from ``returns``, so the other customers' figures do not depend on it); the months between have
    no row. Fills Customers.ChurnDate (blank for a customer who came back and is still paying) and
    Customers.ReactivationDate, and returns the Subscriptions rows and the renewals as (customer position,
    renewal month, ARR, lost), where lost is None for a renewal due within three months after END.
    """
    month_no = lambda day: int(np.datetime64(day, "M").astype(int))  # noqa: E731 - months since 1970-01
    first_no, last_no = month_no(OPENING_MONTH), month_no(END)
    month_days = _month_start(np.arange(first_no, last_no + 1).astype("datetime64[M]"))
    month_day = lambda no: month_days[no - first_no]  # noqa: E731
    added: dict[str, list[tuple[int, float]]] = {}  # customer -> (month, MRR added by a won expansion)
    protect: dict[str, int] = {}  # customer -> last month it cannot churn in: its expansions are undecided
    for row in expansions.itertuples():
        decided = last_no if row.Status == "Open" else month_no(row.CloseDate)
        protect[row.Account] = max(protect.get(row.Account, 0), decided)
        if row.Status == "Won":
            added.setdefault(row.Account, []).append((decided, round(row.Amount / 12, 2)))
    rows, renewals = [], []
    churn_dates = np.full(len(customers), np.datetime64("NaT"), dtype="datetime64[D]")
    return_dates = np.full(len(customers), np.datetime64("NaT"), dtype="datetime64[D]")
    for i, c in enumerate(customers.itertuples()):
        start_no, term = month_no(c.StartDate), int(c.ContractMonths)
        first = max(start_no, first_no)
        gains = added.get(c.Customer, [])
        mrr = round(c.InitialMRR + sum(v for m, v in gains if m <= first), 2)
        rows.append((month_day(first), c.Customer, c.Segment, c.CSM, mrr, mrr if start_no > first_no else 0.0,
                     0.0, 0.0, 0.0, 0.0))
        for m in range(first + 1, last_no + 1):
            expansion = round(sum(v for mm, v in gains if mm == m), 2)
            renewal = (m - start_no) % term == 0
            contraction = churned = 0.0
            if m > protect.get(c.Customer, 0) and rng.random() < (
                    _RENEWAL_CHURN[c.Segment] if renewal else _MONTHLY_CHURN):
                churned = mrr
            elif rng.random() < (_P_CONTRACTION_RENEWAL if renewal else _P_CONTRACTION_MONTHLY):
                contraction = round(mrr * rng.uniform(0.1, 0.4), 2)
            if renewal:
                renewals.append((i, m, round((mrr - contraction) * 12, 2), bool(churned)))
            mrr = 0.0 if churned else round(mrr + expansion - contraction, 2)
            rows.append((month_day(m), c.Customer, c.Segment, c.CSM, mrr, 0.0, expansion, contraction, churned,
                         0.0))
            if churned:
                churn_dates[i] = month_day(m)
                back = m + int(returns.integers(*_RETURN_GAP_MONTHS))
                if returns.random() < _P_RETURN and back <= last_no:
                    churn_dates[i], return_dates[i] = _come_back(returns, rows, c, back, last_no, churned,
                                                                 month_day)
                break
        else:  # still a customer: a renewal due soon after END is an open opportunity
            next_no = start_no + term * -(-(last_no + 1 - start_no) // term)
            if next_no - last_no <= 3:
                renewals.append((i, next_no, round(mrr * 12, 2), None))
    customers["ChurnDate"] = churn_dates
    customers["ReactivationDate"] = return_dates
    subs = pd.DataFrame(rows, columns=["Month", "Customer", "Segment", "CSM", "MRR", "NewMRR", "ExpansionMRR",
                                       "ContractionMRR", "ChurnedMRR", "ReactivationMRR"])
    return subs, renewals


def _come_back(returns: np.random.Generator, rows: list[tuple], c: Any, back: int, last_no: int, churned: float,
               month_day: Any) -> tuple[np.datetime64, np.datetime64]:
    """A churned customer returns in month ``back`` with part of its old MRR and stays, churning again only
    at the monthly rate; appends its rows and returns its (churn date or NaT, reactivation date)."""
    mrr = round(churned * returns.uniform(0.5, 1.0), 2)
    rows.append((month_day(back), c.Customer, c.Segment, c.CSM, mrr, 0.0, 0.0, 0.0, 0.0, mrr))
    for m in range(back + 1, last_no + 1):
        if returns.random() < _MONTHLY_CHURN:
            rows.append((month_day(m), c.Customer, c.Segment, c.CSM, 0.0, 0.0, 0.0, 0.0, mrr, 0.0))
            return month_day(m), month_day(back)
        rows.append((month_day(m), c.Customer, c.Segment, c.CSM, mrr, 0.0, 0.0, 0.0, 0.0, 0.0))
    return np.datetime64("NaT"), month_day(back)


def _renewal_deals(rng: np.random.Generator, customers: pd.DataFrame, renewals: list[tuple]) -> pd.DataFrame:
    """Renewal opportunities (owned by the CSM) for Enterprise and Mid-Market renewals."""
    segment = customers["Segment"].to_numpy()
    keep = [r for r in renewals if segment[r[0]] in _RENEWAL_DEAL_SEGMENTS]
    cust = customers.iloc[[r[0] for r in keep]]
    n = len(keep)
    renewal_day = np.array([r[1] for r in keep], dtype="datetime64[M]").astype("datetime64[D]")
    amount = np.array([r[2] for r in keep])
    lost = np.array([r[3] is True for r in keep])
    is_open = np.array([r[3] is None for r in keep])
    close = renewal_day - rng.integers(1, 25, n)
    created = np.where(is_open, np.minimum(renewal_day - rng.integers(60, 100, n), _END - rng.integers(0, 14, n)),
                       np.maximum(close - rng.integers(45, 90, n), _PIPELINE_START + rng.integers(0, 21, n)))
    months = cust["ContractMonths"].to_numpy()
    stage_change = created + (rng.random(n) * (_END - created).astype(int)).astype(int)
    return pd.DataFrame({
        "Account": cust["Customer"].to_numpy(), "Owner": cust["CSM"].to_numpy(), "Team": "Customer Success",
        "Region": cust["Region"].to_numpy(), "Segment": cust["Segment"].to_numpy(), "DealType": "Renewal",
        "Source": "Existing Customer", "LeadId": None, "SdrOwner": None, "Created": created,
        "Stage": np.where(is_open, _choice(rng, ("Proposal", "Negotiation"), (0.5, 0.5), n),
                          np.where(lost, "Closed Lost", "Closed Won")),
        "Status": np.where(is_open, "Open", np.where(lost, "Lost", "Won")),
        "LastStageChange": np.where(is_open, stage_change, close), "ExpectedCloseDate": renewal_day - 1,
        "CloseDate": np.where(is_open, np.datetime64("NaT"), close), "Amount": amount, "ListAmount": amount,
        "ACV": amount, "TCV": amount * months / 12, "ContractMonths": months, "OneTimeFees": 0.0,
        "PresalesInvolved": False, "PresalesOwner": None, "PresalesHours": 0.0,
        "CollateralUsed": rng.random(n) < 0.2, "Referral": False,
    })


# --- activities, support, surveys -----------------------------------------------------------------------

# Monthly activity counts per role, and outcome probabilities per activity type.
_ACTIVITY_MIX = {
    "SDR": {"Call": 70, "Email": 80, "Cadence": 10},
    "AE": {"Call": 14, "Email": 18, "Meeting": 12, "Demo": 5},
    "SE": {"Demo": 8},
    "CSM": {"Call": 6, "Email": 12, "Meeting": 14, "QBR": 2},
}
_OUTCOMES = {
    "Call": (("Connected", "No Answer", "Meeting Set"), (0.25, 0.67, 0.08)),
    "Email": (("Sent", "Replied", "Meeting Set"), (0.9, 0.07, 0.03)),
    "Meeting": (("Held", "No Show"), (0.88, 0.12)),
    "Demo": (("Held", "No Show"), (0.9, 0.1)),
    "QBR": (("Held", "No Show"), (0.95, 0.05)),
    "Cadence": (("Completed", "Abandoned"), (0.75, 0.25)),
}


def _activities(rng: np.random.Generator, reps: pd.DataFrame, subs: pd.DataFrame,
                customers: pd.DataFrame) -> pd.DataFrame:
    """Calls, emails, meetings, demos, cadences and QBRs per rep and month, on weekdays while employed.

    CSM activities are with an active customer of the CSM's region.
    """
    employed = _employed_share(reps, MONTHS) > 0
    active = subs[subs["MRR"] > 0]
    region = active["Customer"].map(customers.set_index("Customer")["Region"])
    pools = {key: group["Customer"].to_numpy() for key, group in active.groupby([region, "Month"])}
    parts = []  # (days, owner, type, outcomes, accounts, team)
    for j, rep in enumerate(reps.itertuples()):
        for type_, per_month in _ACTIVITY_MIX.get(rep.Role, {}).items():
            days = _weekdays_employed(rng, rep, employed[:, j], per_month)
            account = np.full(len(days), None, dtype=object)
            if rep.Role == "CSM":
                month = _month_start(_month_of(days))
                for m in np.unique(month):
                    account[month == m] = rng.choice(pools[rep.Region, pd.Timestamp(m)], (month == m).sum())
            parts.append((days, rep.Rep, type_, _choice(rng, *_OUTCOMES[type_], len(days)), account, rep.Team))
    sizes = [len(part[0]) for part in parts]
    frame = pd.DataFrame({
        "Date": np.concatenate([part[0] for part in parts]),
        "Owner": np.repeat([part[1] for part in parts], sizes),
        "Team": np.repeat([part[5] for part in parts], sizes),
        "Type": np.repeat([part[2] for part in parts], sizes),
        "Outcome": np.concatenate([part[3] for part in parts]),
        "Account": np.concatenate([part[4] for part in parts]),
    })
    return frame.sort_values(["Date", "Owner"], kind="stable")


# Ticket mix and timings: median hours to first response by priority, to resolution by type.
_TICKET_RATE = {"Enterprise": 1.2, "Mid-Market": 0.5, "SMB": 0.25}  # tickets per customer per month
_TYPE_P = (0.3, 0.38, 0.12, 0.14, 0.06)
_PRODUCT_P = (0.35, 0.2, 0.2, 0.15, 0.1)
_PRIORITY_P = (0.25, 0.5, 0.2, 0.05)
_CHANNEL_P = (0.4, 0.3, 0.1, 0.2)
_RESPONSE_HOURS = {"Low": 8.0, "Normal": 4.0, "High": 1.5, "Urgent": 0.4}
_RESOLUTION_HOURS = {"Bug": 48.0, "How-to": 5.0, "Feature Request": 120.0, "Billing": 12.0, "Outage": 6.0}
_P_ESCALATED = {"Bug": 0.18, "Outage": 0.6, "Feature Request": 0.05}


def _tickets(rng: np.random.Generator, reps: pd.DataFrame, subs: pd.DataFrame,
             customers: pd.DataFrame) -> pd.DataFrame:
    """Support tickets from active customers, with response and resolution timings and survey answers."""
    active = subs[(subs["MRR"] > 0) & (subs["Month"] >= START)]
    counts = rng.poisson(_lookup(_TICKET_RATE, active["Segment"].to_numpy()))
    customer = np.repeat(active["Customer"].to_numpy(), counts)
    month = np.repeat(active["Month"].to_numpy("datetime64[M]"), counts)
    n = len(customer)
    day = _days_in_months(rng, month, np.ones(n, dtype=int))
    hour = np.clip(rng.normal(13, 3.5, n), 0, 23.98)
    created = day.astype("datetime64[m]") + np.round(hour * 60).astype(int)
    type_ = _choice(rng, TICKET_TYPES, _TYPE_P, n)
    product = np.where(type_ == "Billing", "Billing Portal", _choice(rng, PRODUCTS, _PRODUCT_P, n))
    priority = np.where(type_ == "Outage", "Urgent", _choice(rng, PRIORITIES, _PRIORITY_P, n))
    respond_h = _lookup(_RESPONSE_HOURS, priority) * rng.lognormal(0, 0.8, n)
    escalated = rng.random(n) < _lookup(_P_ESCALATED, type_, 0.03) + 0.2 * (priority == "Urgent")
    resolve_h = _lookup(_RESOLUTION_HOURS, type_) * rng.lognormal(0, 1.0, n) * np.where(escalated, 3, 1)
    first = created + np.round(respond_h * 60).astype(int)
    resolved = first + np.round(resolve_h * 60).astype(int)
    end = (_END + 1).astype("datetime64[m]")
    answered = first < end
    done = resolved < end
    # Slow or escalated tickets satisfy less and take more effort.
    slowness = np.log10(1 + (respond_h + resolve_h) / 24)
    csat = np.clip(np.round(rng.normal(4.4 - 0.6 * slowness - 0.4 * escalated, 0.8)), 1, 5)
    ces = np.clip(np.round(rng.normal(5.8 - 0.8 * slowness - 0.5 * escalated, 1.1)), 1, 7)
    region = customers.set_index("Customer")["Region"].reindex(customer).to_numpy()
    tickets = pd.DataFrame({
        "Customer": customer, "Created": created, "FirstResponse": np.where(answered, first, np.datetime64("NaT")),
        "Resolved": np.where(done, resolved, np.datetime64("NaT")), "Type": type_, "Product": product,
        "Priority": priority, "Channel": _choice(rng, TICKET_CHANNELS, _CHANNEL_P, n), "Escalated": escalated,
        "Status": np.where(done, "Resolved", np.where(answered & (rng.random(n) < 0.5), "Pending", "Open")),
        "CSAT": np.where(done & (rng.random(n) < 0.35), csat, np.nan),
        "CES": np.where(done & (rng.random(n) < 0.3), ces, np.nan),
        "Agent": _pick_reps(rng, reps, day, "Support", region=region),
    }).sort_values("Created", kind="stable")
    tickets.insert(0, "TicketId", [f"T-{i:05d}" for i in range(1, n + 1)])
    return tickets


_NPS_P = np.array([0.02, 0.01, 0.02, 0.03, 0.04, 0.06, 0.07, 0.12, 0.18, 0.22, 0.23])  # scores 0..10


def _nps_responses(rng: np.random.Generator, subs: pd.DataFrame) -> pd.DataFrame:
    """Quarterly NPS survey (February, May, August, November); answers improve a little in 2025."""
    survey = subs[(subs["MRR"] > 0) & (subs["Month"] >= START) & subs["Month"].dt.month.isin([2, 5, 8, 11])]
    survey = survey[rng.random(len(survey)) < np.where(survey["Segment"] == "Enterprise", 0.4, 0.28)]
    n = len(survey)
    better = _NPS_P + np.array([-0.01, 0, -0.01, 0, -0.01, 0, 0, 0, 0, 0.015, 0.015])
    scores = np.where(survey["Month"].dt.year.to_numpy() >= 2025, rng.choice(11, n, p=better),
                      rng.choice(11, n, p=_NPS_P))
    return pd.DataFrame({
        "Date": _add_days(survey["Month"].to_numpy("datetime64[D]"), rng.uniform(0, 21, n)),
        "Customer": survey["Customer"].to_numpy(), "Score": scores, "Segment": survey["Segment"].to_numpy(),
    }).sort_values(["Date", "Customer"], kind="stable")


# --- targets and forecasts ------------------------------------------------------------------------------

_AE_NEW_OPPS = {"Enterprise": 5, "Commercial": 8}  # monthly new-opportunity target per ramped AE
_SDR_TARGETS = {"MeetingsSet": (10, 0.4), "SQLs": (8, 0.6)}  # (monthly target, scorecard weight)
_AE_WEIGHTS = {"Bookings": 0.7, "NewOpportunities": 0.3}
_NEW_CUSTOMERS_TARGET = 18  # a month, before seasonality and growth


def _bookings(deals: pd.DataFrame) -> pd.DataFrame:
    """Won new and expansion deals with the month they closed."""
    won = deals[(deals["Status"] == "Won") & deals["DealType"].isin(["New", "Expansion"])]
    return won.assign(Month=won["CloseDate"].dt.to_period("M").dt.to_timestamp())


def _targets(reps: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """Monthly targets, set from plans rather than from the actuals.

    AEs: bookings (quota / 12, ramping up over the first four months) and new opportunities; SDRs: meetings
    set and SQLs; teams and company: bookings; leads per source; company leads, MQLs, SQLs, new customers
    and revenue (3 % a month over the opening MRR).
    """
    rows = []
    months = _month_start(MONTHS)
    share = _employed_share(reps, MONTHS)
    volume = _volume(MONTHS)
    expected_leads = _LEADS_PER_MONTH * volume
    opening_mrr = subs.loc[subs["Month"] == OPENING_MONTH, "MRR"].sum()
    for i, month in enumerate(pd.to_datetime(months)):
        team_bookings: dict[str, float] = {}
        for j, rep in enumerate(reps.itertuples()):
            if share[i, j] == 0 or rep.Role not in ("AE", "SDR"):
                continue
            ramp = min(1.0, ((month - rep.HireDate).days / 30.4 + 1) / 4) * share[i, j]
            if rep.Role == "AE":
                bookings = round(rep.Quota / 12 * ramp, -2)
                team_bookings[rep.Team] = team_bookings.get(rep.Team, 0.0) + bookings
                rows.append((month, "Rep", rep.Rep, "Bookings", bookings, _AE_WEIGHTS["Bookings"]))
                rows.append((month, "Rep", rep.Rep, "NewOpportunities", round(_AE_NEW_OPPS[rep.Team] * ramp),
                             _AE_WEIGHTS["NewOpportunities"]))
            else:
                for metric, (target, weight) in _SDR_TARGETS.items():
                    rows.append((month, "Rep", rep.Rep, metric, round(target * ramp), weight))
        for team, bookings in team_bookings.items():
            rows.append((month, "Team", team, "Bookings", bookings, None))
        rows.append((month, "Company", "Company", "Bookings", sum(team_bookings.values()), None))
        for source, p in zip(LEAD_SOURCES, _SOURCE_P, strict=True):
            rows.append((month, "Source", source, "Leads", round(expected_leads[i] * p * 1.05), None))
        mqls = expected_leads[i] * _P_MQL_DEFAULT * 1.05
        rows.append((month, "Company", "Company", "Leads", round(expected_leads[i] * 1.05), None))
        rows.append((month, "Company", "Company", "MQLs", round(mqls), None))
        rows.append((month, "Company", "Company", "SQLs", round(mqls * _P_SQL_DEFAULT), None))
        rows.append((month, "Company", "Company", "NewCustomers", round(_NEW_CUSTOMERS_TARGET * volume[i]), None))
        rows.append((month, "Company", "Company", "Revenue", round(opening_mrr * 1.03 ** (i + 1), -3), None))
    return pd.DataFrame(rows, columns=["Month", "Scope", "Owner", "Metric", "Target", "Weight"])


def _forecasts(rng: np.random.Generator, reps: pd.DataFrame, deals: pd.DataFrame,
               targets: pd.DataFrame) -> pd.DataFrame:
    """Bookings forecast per AE, team and company next to the actual bookings of the month.

    Reps forecast the actual with a noisy, slightly optimistic guess; managers and the company call are
    closer. A rep with no bookings had forecast part of the target.
    """
    won = _bookings(deals)
    by_rep = won.groupby(["Owner", "Month"])["Amount"].sum()
    by_team = won.groupby(["Team", "Month"])["Amount"].sum()
    by_month = won.groupby("Month")["Amount"].sum()
    rows = []
    rep_targets = targets[(targets["Scope"] == "Rep") & (targets["Metric"] == "Bookings")]
    for t in rep_targets.itertuples():
        actual = by_rep.get((t.Owner, t.Month), 0.0)
        guess = actual * rng.lognormal(0.03, 0.25) if actual else t.Target * rng.uniform(0.1, 0.5)
        rows.append((t.Month, "Rep", t.Owner, round(guess, -2), actual))
    for month in pd.to_datetime(_month_start(MONTHS)):
        for scope, owner, actual in [("Team", "Enterprise", by_team.get(("Enterprise", month), 0.0)),
                                     ("Team", "Commercial", by_team.get(("Commercial", month), 0.0)),
                                     ("Company", "Company", by_month.get(month, 0.0))]:
            rows.append((month, scope, owner, round(actual * rng.lognormal(0.02, 0.12), -2), actual))
    return pd.DataFrame(rows, columns=["Month", "Scope", "Owner", "Forecast", "Actual"])


# --- enablement -----------------------------------------------------------------------------------------

_COURSES = (  # title, category, hours
    ("Company and Product Foundations", "Onboarding", 6.0),
    ("Sales Methodology Bootcamp", "Onboarding", 8.0),
    ("CRM and Tools Setup", "Onboarding", 3.0),
    ("Product Deep Dive: Analytics", "Product", 2.0),
    ("Product Deep Dive: Integrations", "Product", 2.0),
    ("Release Update", "Product", 1.0),
    ("Discovery Skills", "Sales Skills", 2.0),
    ("Negotiation Skills", "Sales Skills", 3.0),
    ("Objection Handling", "Sales Skills", 1.5),
    ("Data Protection and Compliance", "Compliance", 1.0),
)
_TRAINED_ROLES = ("AE", "SDR", "SE", "CSM", "Support")


def _training(rng: np.random.Generator, reps: pd.DataFrame) -> pd.DataFrame:
    """Onboarding courses for reps hired in the period, and two sessions a month for everyone else."""
    rows = []
    for rep in reps[reps["HireDate"] >= START].itertuples():
        for k, (course, category, hours) in enumerate(c for c in _COURSES if c[1] == "Onboarding"):
            rows.append((rep.HireDate + pd.Timedelta(days=3 + 7 * k), rep.Rep, course, category, hours))
    periodic = [c for c in _COURSES if c[1] != "Onboarding"]
    share = _employed_share(reps, MONTHS)
    trained = reps["Role"].isin(_TRAINED_ROLES).to_numpy()
    names = reps["Rep"].to_numpy()
    for i, month in enumerate(pd.to_datetime(_month_start(MONTHS))):
        invited = names[trained & (share[i] == 1)]  # employed the whole month
        for k in range(2):
            course, category, hours = periodic[(2 * i + k) % len(periodic)]
            day = month + pd.Timedelta(days=9 + 10 * k)
            rows += [(day, rep, course, category, hours) for rep in invited]
    frame = pd.DataFrame(rows, columns=["Date", "Rep", "Course", "Category", "Hours"])
    n = len(frame)
    attended = rng.random(n) < 0.85
    completed = attended & (rng.random(n) < 0.88)
    frame["Hours"] = np.where(attended, frame["Hours"], 0.0)
    frame["Attended"], frame["Completed"] = attended, completed
    frame["Passed"] = completed & (rng.random(n) < 0.9)
    return frame.sort_values(["Date", "Rep"], kind="stable")


def _coaching(rng: np.random.Generator, reps: pd.DataFrame) -> pd.DataFrame:
    """Coaching sessions the coaching managers give their direct reports, about 1.3 a month each."""
    employed = _employed_share(reps, MONTHS) > 0
    parts = []  # (days, manager, rep)
    for j, rep in enumerate(reps.itertuples()):
        if rep.Manager in _COACHES:
            parts.append((_weekdays_employed(rng, rep, employed[:, j], 1.3), rep.Manager, rep.Rep))
    sizes = [len(part[0]) for part in parts]
    n = sum(sizes)
    frame = pd.DataFrame({
        "Date": np.concatenate([part[0] for part in parts]),
        "Manager": np.repeat([part[1] for part in parts], sizes),
        "Rep": np.repeat([part[2] for part in parts], sizes),
        "Hours": rng.choice([0.5, 0.75, 1.0, 1.5], n),
        "Topic": _choice(rng, COACHING_TOPICS, (0.3, 0.3, 0.2, 0.2), n),
    })
    return frame.sort_values(["Date", "Manager", "Rep"], kind="stable")


_CONTENT_TOPICS = ("Analytics ROI", "Retail Rollout", "Security Overview", "Integration Guide", "Pricing",
                   "Competitor Comparison", "Healthcare Success", "Onboarding Plan", "Executive Summary",
                   "Product Tour", "Migration Playbook", "Banking Compliance")
_SHARES_PER_YEAR = {"Case Study": 25, "Deck": 40, "Battlecard": 30, "Whitepaper": 12, "Video": 15,
                    "One-Pager": 20}


def _content(rng: np.random.Generator) -> pd.DataFrame:
    """The collateral library: about 140 pieces created since 2021, most reviewed at least once."""
    n = 140
    first = np.datetime64("2021-01-01", "D")
    created = np.sort(_add_days(first, rng.uniform(0, (_END - first).astype(int), n)))
    type_ = _choice(rng, CONTENT_TYPES, (0.2, 0.2, 0.15, 0.1, 0.15, 0.2), n)
    age_years = (_END - created).astype(int) / 365
    reviewed = _add_days(created, rng.random(n) * (_END - created).astype(int))
    shared = rng.poisson(_lookup(_SHARES_PER_YEAR, type_) * np.maximum(age_years, 0.05))
    return pd.DataFrame({
        "ContentId": [f"C-{i:04d}" for i in range(1, n + 1)],
        "Title": [f"{_CONTENT_TOPICS[k]} {t.lower()}"
                  for k, t in zip(rng.integers(0, len(_CONTENT_TOPICS), n), type_, strict=True)],
        "Type": type_, "Created": created, "LastReviewed": np.where(rng.random(n) < 0.75, reviewed,
                                                                     np.datetime64("NaT")),
        "TimesShared": shared, "Used": rng.random(n) < np.where(shared > 5, 0.8, 0.3),
    })


def _surveys(rng: np.random.Generator, reps: pd.DataFrame) -> pd.DataFrame:
    """Quarterly morale pulse (15 March, June, September, December); leavers are unhappier before leaving."""
    rows = []
    for day in pd.to_datetime([f"{y}-{m:02d}-15" for y in (2024, 2025) for m in (3, 6, 9, 12)]):
        for rep in reps.itertuples():
            employed = rep.HireDate <= day and (pd.isna(rep.ExitDate) or day <= rep.ExitDate)
            if not employed or rng.random() > 0.85:
                continue
            leaving = not pd.isna(rep.ExitDate) and (rep.ExitDate - day).days < 200
            rows.append((day, rep.Rep, int(np.clip(round(rng.normal(5.5 if leaving else 7.3, 1.3)), 1, 10))))
    return pd.DataFrame(rows, columns=["Date", "Rep", "MoraleScore"])


_PROCESSES = ("Lead routing", "Deal desk approval", "Quote generation", "Discount approval", "SDR to AE handoff",
              "AE to CSM handoff", "Forecast call", "Customer onboarding checklist", "Renewal playbook",
              "Territory planning", "Call recording review", "Proposal templates")


def _process_reviews(rng: np.random.Generator) -> pd.DataFrame:
    """About 1.5 process reviews a month, led by enablement or a coaching manager."""
    days = np.busday_offset(_days_in_months(rng, MONTHS, rng.poisson(1.5, len(MONTHS))), 0, roll="backward")
    n = len(days)
    saved = np.where(rng.random(n) < 0.15, 0.0, np.round(rng.gamma(2.0, 6.0, n), 1))
    reviewer = np.where(rng.random(n) < 0.6, "Laura Bennett", _choice(rng, _COACHES, (1, 1, 1, 1), n))
    return pd.DataFrame({"Date": days, "Process": _choice(rng, _PROCESSES, (1,) * len(_PROCESSES), n),
                         "Reviewer": reviewer, "HoursSavedPerMonth": saved})


# --- marketing and finance ------------------------------------------------------------------------------

# Per channel: monthly programme spend, impressions per unit of spend, clicks per impression.
_CHANNEL_SPEND = {"Paid Search": 38_000, "Paid Social": 22_000, "Organic Search": 8_000, "Content": 18_000,
                  "Webinar": 9_000, "Event": 20_000, "Email": 4_000}
_IMPRESSIONS_PER_SPEND = {"Paid Search": 60, "Paid Social": 120, "Organic Search": 400, "Content": 40,
                          "Webinar": 15, "Event": 5, "Email": 30}
_CTR = {"Paid Search": 0.035, "Paid Social": 0.009, "Organic Search": 0.04, "Content": 0.02, "Webinar": 0.15,
        "Event": 0.2, "Email": 0.03}
_EVENT_MONTHS = (3, 6, 9, 10)  # big conferences: triple event spend
_MARKETING_PAYROLL, _CONTENT_PAYROLL = 55_000.0, 9_000.0  # monthly, in MarketingSpend / ContentSpend
_CONTENT_CHANNELS = ("Content", "Webinar")  # content marketing: its spend and the revenue it sources


def _campaigns(rng: np.random.Generator, leads: pd.DataFrame) -> pd.DataFrame:
    """Spend, reach and leads per month and channel (Leads counted from the Leads table)."""
    lead_month = leads["Created"].dt.to_period("M").dt.to_timestamp()
    lead_counts = leads.groupby([lead_month, "Source"]).size()
    rows = []
    for i, month in enumerate(pd.to_datetime(_month_start(MONTHS))):
        for channel in CAMPAIGN_CHANNELS:
            spend = _CHANNEL_SPEND[channel] * _GROWTH ** i * rng.lognormal(0, 0.1)
            if channel == "Event":
                spend *= 3 if month.month in _EVENT_MONTHS else 0.5
            impressions = int(spend * _IMPRESSIONS_PER_SPEND[channel] * rng.lognormal(0, 0.1))
            clicks = int(impressions * _CTR[channel] * rng.lognormal(0, 0.1))
            rows.append((month, channel, round(spend, 2), impressions, clicks,
                         int(lead_counts.get((month, channel), 0))))
    return pd.DataFrame(rows, columns=["Month", "Channel", "Spend", "Impressions", "Clicks", "Leads"])


_SOCIAL_START = {"LinkedIn": (18_000, 0.03), "X": (9_000, 0.01), "YouTube": (2_500, 0.04)}  # followers, growth


def _social(rng: np.random.Generator) -> pd.DataFrame:
    """Followers grow each month; engagements, messages and site traffic follow the audience."""
    rows = []
    for network in SOCIAL_NETWORKS:
        followers, rate = _SOCIAL_START[network]
        for month in pd.to_datetime(_month_start(MONTHS)):
            followers = int(followers * (1 + rate * rng.lognormal(0, 0.3)))
            engagements = int(followers * 0.08 * rng.lognormal(0, 0.2))
            rows.append((month, network, followers, engagements, int(rng.poisson(engagements * 0.02)),
                         int(engagements * 0.35 * rng.lognormal(0, 0.2))))
    return pd.DataFrame(rows, columns=["Month", "Network", "Followers", "Engagements", "Messages",
                                       "SocialTraffic"]).sort_values(["Month", "Network"], kind="stable")


def _web(rng: np.random.Generator) -> pd.DataFrame:
    """Website traffic grows, search rank slowly improves."""
    n = len(MONTHS)
    trend = _GROWTH ** np.arange(n) * _SEASON[MONTHS.astype(int) % 12]
    impressions = np.round(420_000 * trend * rng.lognormal(0, 0.08, n)).astype(int)
    return pd.DataFrame({
        "Month": _month_start(MONTHS), "Sessions": np.round(60_000 * trend * rng.lognormal(0, 0.08, n)).astype(int),
        "AvgDwellSeconds": np.round(rng.normal(150, 12, n), 1),
        "AvgSearchRank": np.round(np.linspace(14, 8, n) * rng.lognormal(0, 0.05, n), 1),
        "SearchImpressions": impressions,
        "SearchClicks": np.round(impressions * rng.uniform(0.025, 0.04, n)).astype(int),
    })


def _finance(rng: np.random.Generator, reps: pd.DataFrame, subs: pd.DataFrame, deals: pd.DataFrame,
             campaigns: pd.DataFrame) -> pd.DataFrame:
    """Monthly P&L and cash: revenue from MRR and one-time fees, payroll from Reps, spend from Campaigns."""
    months = pd.to_datetime(_month_start(MONTHS))
    mrr = subs.groupby("Month")["MRR"].sum().reindex(months).to_numpy()
    won = deals[deals["Status"] == "Won"].assign(Month=lambda d: d["CloseDate"].dt.to_period("M").dt.to_timestamp())
    fees = won.groupby("Month")["OneTimeFees"].sum().reindex(months, fill_value=0).to_numpy()
    content_won = won[won["Source"].isin(_CONTENT_CHANNELS)].groupby("Month")["Amount"].sum()
    payroll = _employed_share(reps, MONTHS) * (reps["OTE"].to_numpy() / 12 * _PAYROLL_LOAD)[None, :]
    sales_pay = payroll[:, reps["Team"].isin(_SALES_TEAMS).to_numpy()].sum(axis=1)
    cs_pay = payroll[:, reps["Team"].isin(["Customer Success", "Support"]).to_numpy()].sum(axis=1)
    programmes = campaigns.groupby("Month")["Spend"].sum().reindex(months).to_numpy()
    content = campaigns[campaigns["Channel"].isin(_CONTENT_CHANNELS)].groupby("Month")["Spend"].sum()
    content = content.reindex(months).to_numpy()
    n = len(months)
    revenue = np.round(mrr + fees, 2)
    sales = np.round(sales_pay * 1.12, 2)  # travel and tools
    marketing = np.round(programmes + _MARKETING_PAYROLL, 2)
    cs = np.round(cs_pay + 8_000, 2)
    opex = np.round(sales + marketing + cs + revenue * (0.2 + 0.08), 2)  # R&D and G&A
    cogs = np.round(revenue * rng.normal(0.22, 0.01, n), 2)
    refunds = np.round(revenue * rng.uniform(0.003, 0.012, n), 2)
    cash_in = np.round((revenue - refunds) * rng.lognormal(0, 0.06, n), 2)
    cash_out = np.round((cogs + opex + revenue * _CAPEX_SHARE) * rng.lognormal(0, 0.04, n), 2)
    return pd.DataFrame({
        "Month": months, "Revenue": revenue, "Refunds": refunds, "COGS": cogs, "SalesSpend": sales,
        "MarketingSpend": marketing, "ContentSpend": np.round(content + _CONTENT_PAYROLL, 2),
        "SalesMarketingSpend": sales + marketing, "CustomerSuccessSpend": cs, "OperatingExpenses": opex,
        "CashIn": cash_in, "CashOut": cash_out,
        "CashBalance": np.round(_OPENING_CASH + np.cumsum(cash_in - cash_out), 2),
        "ContentAttributedRevenue": content_won.reindex(months, fill_value=0.0).to_numpy(),
    })


# --- public API -----------------------------------------------------------------------------------------

def generate(seed: int = 2024) -> dict[str, pd.DataFrame]:
    """One DataFrame per table of the data model (same order, same columns); same seed, same data."""
    # The tables others are built from, in dependency order.
    reps = _reps(_rng(seed, "Reps"))
    companies = _company_names(_rng(seed, "companies"))
    leads = _leads(_rng(seed, "Leads"), reps, companies[_BASE_CUSTOMERS:])
    new_deals = _new_business_deals(_rng(seed, "Deals"), reps, leads, companies[::-1])
    customers = _customers(_rng(seed, "Customers"), reps, new_deals, companies)
    expansions = _expansion_deals(_rng(seed, "Expansions"), reps, customers)
    subs, renewals = _subscriptions(_rng(seed, "Subscriptions"), customers, expansions, _rng(seed, "Reactivations"))
    renewal_deals = _renewal_deals(_rng(seed, "Renewals"), customers, renewals)
    deals = pd.concat([new_deals, expansions, renewal_deals], ignore_index=True)
    deals = deals.sort_values(["Created", "Account"], kind="stable").reset_index(drop=True)
    deals.insert(0, "DealId", [f"D-{i:05d}" for i in range(1, len(deals) + 1)])
    deals = _conform("Deals", deals)
    leads["DealId"] = leads["LeadId"].map(deals.dropna(subset=["LeadId"]).set_index("LeadId")["DealId"])
    subs = _conform("Subscriptions", subs)
    campaigns = _conform("Campaigns", _campaigns(_rng(seed, "Campaigns"), leads))
    targets = _conform("Targets", _targets(reps, subs))
    frames = {"Reps": reps, "Leads": _conform("Leads", leads), "Deals": deals,
              "Customers": _conform("Customers", customers), "Subscriptions": subs, "Targets": targets,
              "Campaigns": campaigns}
    # The rest.
    rest = {
        "Activities": _activities(_rng(seed, "Activities"), reps, subs, customers),
        "Tickets": _tickets(_rng(seed, "Tickets"), reps, subs, customers),
        "NpsResponses": _nps_responses(_rng(seed, "NpsResponses"), subs),
        "Forecasts": _forecasts(_rng(seed, "Forecasts"), reps, deals, targets),
        "Training": _training(_rng(seed, "Training"), reps),
        "Coaching": _coaching(_rng(seed, "Coaching"), reps),
        "Content": _content(_rng(seed, "Content")),
        "Surveys": _surveys(_rng(seed, "Surveys"), reps),
        "ProcessReviews": _process_reviews(_rng(seed, "ProcessReviews")),
        "Finance": _finance(_rng(seed, "Finance"), reps, subs, deals, campaigns),
        "Social": _social(_rng(seed, "Social")),
        "Web": _web(_rng(seed, "Web")),
    }
    frames.update((name, _conform(name, frame)) for name, frame in rest.items())
    return {name: frames[name] for name in TABLES}


def write_csv(directory: str | Path, seed: int = 2024, frames: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write ``<Table>.csv`` for every table into ``directory`` (created if missing); return the paths.

    ``frames`` defaults to ``generate(seed)``. Dates are ISO ``YYYY-MM-DD``, datetimes
    ``YYYY-MM-DD HH:MM:SS``, booleans True/False, blanks empty.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (generate(seed) if frames is None else frames).items():
        out = frame.copy()
        for col in TABLES[name].columns:
            if col.type == "date":
                out[col.name] = out[col.name].dt.strftime("%Y-%m-%d")
            elif col.type == "datetime":
                out[col.name] = out[col.name].dt.strftime("%Y-%m-%d %H:%M:%S")
            elif col.type == "integer":
                out[col.name] = out[col.name].astype("Int64")
        path = directory / f"{name}.csv"
        out.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m workbook_templates.sample_data DIRECTORY")
    for written in write_csv(sys.argv[1]):
        print(written)

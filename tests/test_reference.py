"""The generated function reference is up to date and covers every function."""

import udfs
from udfs.reference import REFERENCE_PATH, render_reference


def test_reference_is_generated_and_current():
    assert REFERENCE_PATH.read_text(encoding="utf-8") == render_reference(), (
        "docs/FUNCTIONS.md is out of date: run `python -m udfs.reference`"
    )


def test_reference_has_every_function_under_its_team():
    text = render_reference()
    for entry in udfs.catalog():
        assert f"### `{entry.signature_text()}`" in text

"""Option and argument values are coerced as Typer does, without pydantic (icrm_cli/cli/coercion.py).

The plain types (int, float, bool, Path, str, choices, lists and tuples of
those) are coerced here; every value is checked against Typer's usual way
(its pydantic adapters), results and error messages alike.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer import _coercion, core
from typer._click.exceptions import BadParameter
from typer.models import ArgumentInfo, OptionInfo, ParameterInfo

from icrm_cli.cli.coercion import DEFER, plan
from icrm_cli.cli.request_list import Status
from tests.conftest import ROOT, Cli, new_request


class Color(Enum):
    red = "red"
    dark_blue = "Dark-Blue"
    one = 1


def _ours() -> Any:
    """What Typer's parameters build their coercion with (replaced by icrm_cli.cli.coercion.install)."""
    return vars(core)["build_runtime_param"]


def _outcome(runtime: Any, value: Any) -> tuple[Any, ...]:
    try:
        result = runtime._coerce_value(value, None, None)
    except BadParameter as exc:
        return ("error", exc.format_message())
    return ("ok", type(result), repr(result))  # repr: tells nan, -0.0 and 0.0 apart


def _same_as_typer(annotation: Any, value: Any, info: ParameterInfo | None = None) -> tuple[Any, ...]:
    descriptor = _coercion.resolve_type_descriptor(annotation, info or OptionInfo())
    ours = _outcome(_ours()(descriptor), value)
    assert ours == _outcome(_coercion.build_runtime_param(descriptor), value), (annotation, value)
    return ours


def _fast(annotation: Any, value: Any, info: ParameterInfo | None = None) -> bool:
    coerce = plan(annotation, info or OptionInfo())
    return coerce is not None and coerce(value, None, None) is not DEFER


def test_typer_build_runtime_param_is_replaced() -> None:
    assert _ours() is not _coercion.build_runtime_param


INTS = ["0", "42", "-3", "007", "-0", "+3", " 4 ", "4\n", "1_000", "1.0", "1.5", "1e3", "0x10", "٣", "", "-",
        "abc", "9" * 18, "-" + "9" * 18, "9" * 19, "9" * 40, 7, -7, True, 1.0, 1.5]  # fmt: skip
FLOATS = ["1.5", "1", "-2.50", "0.1", "00.5", "-0", "-0.0", ".5", "5.", "1e3", "nan", "inf", " 1.5 ", "1_0.5",
          "٣", "", "abc", "3.14159265358979323846", "1" * 20, "1" * 25, 3, -3, 2**60, True, 1.5]  # fmt: skip
BOOLS = ["true", "True", "TRUE", "tRuE", "false", "1", "0", "yes", "YES", "no", "on", "off", "t", "f", "y",
         "n", " yes ", "\u00a0no\t", "", " ", "2", "tru", "ｙｅｓ", "ye s", True, False, 1, 0, 2]  # fmt: skip
TEXTS = ["", "x", "开通VPN账号", " padded ", "a\udcff", 3]


@pytest.mark.parametrize("value", INTS, ids=repr)
def test_int_values_as_typer(value: Any) -> None:
    _same_as_typer(int, value)


@pytest.mark.parametrize("value", FLOATS, ids=repr)
def test_float_values_as_typer(value: Any) -> None:
    _same_as_typer(float, value)


@pytest.mark.parametrize("value", BOOLS, ids=repr)
def test_bool_values_as_typer(value: Any) -> None:
    _same_as_typer(bool, value)


@pytest.mark.parametrize("value", TEXTS, ids=repr)
def test_text_values_as_typer(value: Any) -> None:
    _same_as_typer(str, value)


@pytest.mark.parametrize(
    "info",
    [
        OptionInfo(min=1, max=3),
        OptionInfo(min=1, max=3, clamp=True),
        OptionInfo(min=0.5),
        ArgumentInfo(min=-10, max=10),
    ],
    ids=["range", "clamp", "float-min", "argument"],
)
@pytest.mark.parametrize("value", ["0", "1", "2", "3", "4", "11", "-5", 2, 0.5, "0.5", "2.5"], ids=repr)
def test_ranged_numbers_as_typer(info: ParameterInfo, value: Any) -> None:
    if isinstance(info.min, int) and isinstance(info.max, int | None):
        _same_as_typer(int, value, info)
    else:  # Typer's adapter cannot be built: the usual way fails the same for every value
        assert plan(int, info) is None
    _same_as_typer(float, value, info)


@pytest.mark.parametrize("case_sensitive", [True, False])
@pytest.mark.parametrize(
    "value", ["open", "OPEN", "in_progress", "bogus", "", Status.closed, "Dark-Blue", "dark-blue", "1", 1]
)
def test_choices_as_typer(case_sensitive: bool, value: Any) -> None:
    info = OptionInfo(case_sensitive=case_sensitive)
    _same_as_typer(Status, value, info)
    _same_as_typer(Color, value, info)
    _same_as_typer(Literal["open", "Dark-Blue", 1], value, info)


def _paths(tmp_path: Path) -> list[Any]:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file.csv").write_text("x\n")
    inside = [tmp_path / "file.csv", tmp_path / "dir", tmp_path / "missing.csv", tmp_path / "dir" / "new.csv"]
    odd = [f"{tmp_path}//file.csv", f"{tmp_path}/dir/", f"{tmp_path}/file.csv/", f"{tmp_path}/./dir"]
    return [*map(str, inside), *odd, "", ".", "-", "rel/new.csv", "~/x.csv", "a\0b", inside[0], 3, b"x"]


@pytest.mark.parametrize(
    "info",
    [
        OptionInfo(),
        OptionInfo(dir_okay=False),
        OptionInfo(file_okay=False),
        OptionInfo(exists=True),
        OptionInfo(resolve_path=True),
        OptionInfo(allow_dash=True),
        OptionInfo(writable=True, readable=True),
        ArgumentInfo(dir_okay=False),
    ],
    ids=["plain", "no-dir", "no-file", "exists", "resolve", "dash", "writable", "argument"],
)
def test_path_values_as_typer(tmp_path: Path, info: ParameterInfo) -> None:
    for value in _paths(tmp_path):
        _same_as_typer(Path, value, info)


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        (list[Status], ["open", "closed"]),
        (list[Status], ("open",)),
        (list[Status], []),
        (list[Status], "open"),
        (list[Status], ["open", "bogus"]),
        (list[int], ["1", "-2"]),
        (list[int], ["1", "x"]),
        (list[str], ["a", "开"]),
        (list[Path], ["a.csv", "b/c.csv"]),
        (list[bool], [True, "no"]),
        (tuple[str, str], ("a", "b")),
        (tuple[str, str], ["a", "b"]),
        (tuple[str, str], ("a",)),
        (tuple[str, str], "ab"),
        (tuple[int, Status], ("1", "open")),
        (tuple[int, Status], ("x", "open")),
        (tuple[int, Status], ("1", "bogus")),
        (tuple[float, bool], ("2.5", "yes")),
    ],
    ids=repr,
)
def test_lists_and_tuples_as_typer(annotation: Any, value: Any) -> None:
    _same_as_typer(annotation, value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-+._ eE\t\nxnaiftruyso٣Ｔ", max_size=12) | st.text(max_size=6))
def test_any_text_as_typer(text: str) -> None:
    for annotation in (int, float, bool, str, Status):
        _same_as_typer(annotation, text)


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        (int, "42"),
        (int, "-3"),
        (float, "1.5"),
        (float, "2"),
        (bool, "yes"),
        (bool, ""),
        (str, "开通VPN账号"),
        (Path, "out/report.csv"),
        (Status, "open"),
        (list[Status], ["open", "closed"]),
        (tuple[str, str], ("a", "b")),
    ],
    ids=repr,
)
def test_plain_values_take_the_fast_way(annotation: Any, value: Any) -> None:
    assert _fast(annotation, value)


@pytest.mark.parametrize(
    ("annotation", "info"),
    [
        (datetime, OptionInfo()),
        (Decimal, OptionInfo()),
        (int, OptionInfo(parser=int)),
        (list[datetime], OptionInfo()),
        (tuple[int, datetime], OptionInfo()),
        (Path, OptionInfo(path_type=str)),
    ],
    ids=repr,
)
def test_other_types_go_the_usual_way(annotation: Any, info: ParameterInfo) -> None:
    assert plan(annotation, info) is None


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


COERCE_IN_FRESH_PROCESS = """
import sys
from enum import Enum
from pathlib import Path
{setup}
from typer import core
from typer._coercion import resolve_type_descriptor
from typer.models import OptionInfo
Status = Enum("Status", {{"open": "open", "closed": "closed"}})
for annotation, value in [(int, "42"), (float, "1.5"), (bool, "yes"), (Path, "out.csv"),
                          (list[Status], ["open"]), (tuple[str, int], ("a", "1"))]:
    runtime = core.build_runtime_param(resolve_type_descriptor(annotation, OptionInfo()))
    runtime._coerce_value(value, None, None)
print([name for name in ("typer._adapters", "pydantic") if name in sys.modules])
"""


def test_typer_adapters_is_where_typer_keeps_pydantic() -> None:
    """The speed probes look for ``typer._adapters``: loaded whenever Typer coerces with pydantic."""
    assert _python(COERCE_IN_FRESH_PROCESS.format(setup="")) == "['typer._adapters', 'pydantic']"


def test_plain_values_are_coerced_without_pydantic() -> None:
    assert _python(COERCE_IN_FRESH_PROCESS.format(setup="import icrm_cli.cli.app")) == "[]"


def test_int_bool_path_and_enum_list_options_work(cli: Cli, org: Path, tmp_path: Path) -> None:
    ids = [
        new_request(cli, "--from", "SALES", "--to", "IT", "--title", t)
        for t in ("开通VPN账号", "申请显示器", "报销")
    ]
    assert len(json.loads(cli.ok("request", "list", "--limit", "2", "-f", "json").stdout)) == 2
    assert len(json.loads(cli.ok("request", "list", "--limit", "+2", "-f", "json").stdout)) == 2  # usual way
    assert json.loads(cli.ok("request", "list", "--overdue", "-f", "json").stdout) == []
    target = tmp_path / "open.csv"
    cli.ok(
        "request",
        "list",
        "--status",
        "open",
        "--status",
        "closed",
        "--limit",
        "3",
        "-f",
        "csv",
        "-o",
        str(target),
    )
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1 + 3
    assert json.loads(cli.ok("request", "show", str(ids[1]), "-f", "json").stdout)["title"] == "申请显示器"
    assert json.loads(cli.ok("request", "show", f"0{ids[1]}", "-f", "json").stdout)["id"] == ids[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["request", "list", "--limit", "abc"],
            "Invalid value for '--limit': Input should be a valid integer",
        ),
        (
            ["request", "list", "--limit", "1.5"],
            "Invalid value for '--limit': Input should be a valid integer",
        ),
        (["request", "show", "abc"], "Invalid value for 'ID': Input should be a valid integer"),
        (
            ["request", "list", "--status", "open", "--status", "bogus"],
            "Invalid value for '--status': Value error, 'bogus' is not one of 'open', 'acknowledged',",
        ),
        (
            ["request", "list", "-f", "xml"],
            "Invalid value for '--format' / '-f': Value error, 'xml' is not one",
        ),
        (
            ["request", "list", "-o", "{tmp}"],
            "Invalid value for '--output' / '-o': file '{tmp}' is a directory.",
        ),
    ],
    ids=["limit-text", "limit-float", "id-text", "status", "format", "output-dir"],
)
def test_bad_values_keep_typers_message_and_exit_2(
    cli: Cli, org: Path, tmp_path: Path, argv: list[str], message: str
) -> None:
    result = cli(*(arg.format(tmp=tmp_path) for arg in argv))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message.format(tmp=tmp_path) in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""

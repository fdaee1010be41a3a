from pathlib import Path

import pytest

from cchc_lib.base.errors import ParameterError
from cchc_lib.base.paths import SAMPLE_DATA_DIR
from cchc_lib.inputs.params import check_parameters

from .conftest import write_data_dir


def test_defaults_resolve_to_the_shipped_sample():
    ctx = check_parameters("2023-Y")
    assert ctx.data_dir == SAMPLE_DATA_DIR.resolve()
    assert ctx.unit.name == "Xã Hoằng Giang"
    assert ctx.unit.slug == "hoang-giang"
    assert ctx.cutoff == "decree09"
    assert (ctx.start.isoformat(), ctx.end.isoformat()) == ("2022-12-15", "2023-12-14")


def test_calendar_cutoff_gives_the_calendar_window(tiny_data):
    ctx = check_parameters("2023-Q2", "calendar", str(tiny_data))
    assert (ctx.start.isoformat(), ctx.end.isoformat()) == ("2023-04-01", "2023-06-30")


def test_a_year_given_as_a_number_is_accepted():
    assert check_parameters(2023).period.id == "2023-Y"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2023-Q5"}, "period: invalid period id '2023-Q5'; valid forms: YYYY-Q1"),
        ({"period": "2023-Q1", "cutoff": "quarterly"}, "cutoff: unknown cut-off 'quarterly'"),
        ({"period": "2023-Q1", "unit": 5}, "unit: expected text, got int 5"),
        ({"period": None}, "period: expected text, got NoneType None"),
        ({"period": "2023-Q1", "data_dir": "/no/such/folder"}, "data_dir: '/no/such/folder' is not a folder"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(kwargs, message):
    with pytest.raises(ParameterError) as excinfo:
        check_parameters(**kwargs)
    assert str(excinfo.value).startswith(message)


def test_a_folder_without_dossier_exports_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="holds no dossier export"):
        check_parameters("2023-Q1", data_dir=str(tmp_path))


def test_unit_parameter_overrides_the_display_name(tiny_data):
    ctx = check_parameters("2023-Q1", data_dir=str(tiny_data), unit="UBND xã Thử")
    assert ctx.unit.name == "UBND xã Thử"
    assert ctx.unit.slug == "ubnd-xa-thu"


def test_without_unit_yaml_the_folder_name_is_the_unit(tmp_path):
    folder = write_data_dir(tmp_path / "Xã Quảng Định", [], unit_yaml=None)
    ctx = check_parameters("2023-Q1", data_dir=folder)
    assert (ctx.unit.name, ctx.unit.slug, ctx.unit.province) == ("Xã Quảng Định", "xa-quang-dinh", "")


def test_unit_yaml_that_is_not_a_mapping_is_refused(tmp_path):
    folder = write_data_dir(tmp_path / "x", [], unit_yaml="- just\n- a list\n")
    with pytest.raises(Exception, match=r"unit\.yaml: expected keys such as 'name:'"):
        check_parameters("2023-Q1", data_dir=folder)


def test_unit_yaml_that_does_not_parse_names_the_file(tmp_path):
    folder = write_data_dir(tmp_path / "x", [], unit_yaml="name: [unclosed\n")
    with pytest.raises(Exception, match=r"unit\.yaml: not a valid UTF-8 YAML file"):
        check_parameters("2023-Q1", data_dir=Path(folder))


def test_the_periods_of_a_run_are_checked_by_the_library():
    from cchc_lib.inputs.params import check_formats, check_jobs, check_periods

    assert [p.id for p in check_periods(["2023-q2", "2023-Q2"])] == ["2023-Q2"]
    assert len(check_periods(year=2023)) == 7
    for kwargs, message in (
        ({"periods": ["2023-Q1"], "year": 2023}, "not both"),
        ({}, "give at least one PERIOD"),
        ({"periods": ["2023-Q9"]}, "invalid period id '2023-Q9'"),
        ({"periods": [object()]}, "period: expected text"),
        ({"year": "20x3"}, "year: expected a year"),
    ):
        with pytest.raises(ParameterError, match=message):
            check_periods(**kwargs)
    assert check_formats("json,HTML") == ("html", "json")
    with pytest.raises(ParameterError, match="unknown odt"):
        check_formats(["html", "odt"])
    with pytest.raises(ParameterError, match="--jobs"):
        check_jobs(0)

"""The documented rule that makes a vo programme technical."""

from pathlib import Path

import pytest

from etl.education.vo import vo_education
from etl.errors import RawFileError

HERE = Path("x.csv")


@pytest.mark.parametrize(
    ("level", "label", "leerweg", "track", "technical"),
    [
        ("VMBO", "VMBO K - techniek", "K", "techniek", True),
        ("VMBO", "VMBO LWT - techniek", "LWT", "techniek", True),
        ("VMBO", "VMBO T - economie", "T", "economie", False),
        ("VMBO", "VMBO LWT - zorg & welzijn", "LWT", "zorg en welzijn", False),
        ("VMBO", "VMBO T", "T", None, False),
        ("HAVO", "HAVO - N&T", None, "N&T", True),
        ("HAVO", "HAVO - N&T / N&G", None, "N&T / N&G", True),
        ("VWO", "VWO - N&T / E&M", None, "N&T / E&M", True),
        ("VWO", "VWO - N&G", None, "N&G", False),
        ("HAVO", "HAVO - N&G / E&M", None, "N&G / E&M", False),
    ],
)
def test_technical_rule(level, label, leerweg, track, technical):
    education = vo_education(level, label, HERE, 5)
    assert (education.leerweg, education.track, education.is_technical) == (leerweg, track, technical)
    assert education.level == level.lower()
    assert education.education_id == f"vo:{label}"


@pytest.mark.parametrize(("level", "label"), [
    ("VMBO", "VMBO K - ruimtevaart"), ("HAVO", "HAVO - X&Y"), ("HAVO", "VWO - N&T"), ("MAVO", "MAVO - x")])
def test_unknown_programme_is_an_error_with_line(level, label):
    with pytest.raises(RawFileError) as error:
        vo_education(level, label, HERE, 17)
    assert error.value.line == 17

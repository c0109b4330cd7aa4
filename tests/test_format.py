"""Dutch formatting of numbers, percentages, counts with suppression, and months."""

from datetime import date

from ui import format as fmt


def test_numbers_and_percentages():
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(None) == "–" and fmt.number(float("nan")) == "–"
    assert fmt.percent(0.123) == "12,3%"
    assert fmt.percent(None) == "–"


def test_counts_with_suppression_are_never_shown_as_zero_or_five():
    assert fmt.count_with_bounds(2.5, 1, 4) == "<5"
    assert fmt.count_with_bounds(397, 391, 403) == "397 (391–403)"
    assert fmt.count_with_bounds(12, 12, 12) == "12"
    assert fmt.count_with_bounds(1516.5, 1500, 1533) == "1.516 (1.500–1.533)"


def test_months():
    assert fmt.month(date(2026, 3, 1)) == "mrt 2026"
    assert fmt.month(date(2025, 10, 31)) == "okt 2025"


def test_days():
    assert fmt.day(date(2024, 10, 20)) == "20 okt 2024"
    assert fmt.day(date(2025, 12, 31)) == "31 dec 2025"
    assert fmt.day("2026-03-05T10:12:00+00:00") == "5 mrt 2026"


def test_moments_in_dutch_local_time():
    assert fmt.moment("2026-11-28T16:55:00+00:00") == "28 nov 2026 17:55"  # winter: UTC+1
    assert fmt.moment("2026-07-01T22:30:00+00:00") == "2 jul 2026 00:30"  # summer: UTC+2, the next day


def test_counted_nouns_agree_with_their_number():
    assert fmt.counted(1, "fout", "fouten") == "1 fout"
    assert fmt.counted(0, "upload", "uploads") == "0 uploads"
    assert fmt.counted(1204, "KPI", "KPI's") == "1.204 KPI's"


def test_kpi_values_carry_their_unit():
    from ui.format import kpi_value

    assert kpi_value(25.0, "procent") == "25,0%" and kpi_value(28.14, "%") == "28,1%"
    assert kpi_value(4200.0, "leerlingen") == "4.200" and kpi_value(6.6, "bezoeken") == "6,6"
    assert kpi_value(None, "procent") == "–" and kpi_value(float("nan"), "bezoeken") == "–"


def test_column_labels_are_dutch_words():
    from ui.format import column_label

    assert [column_label(c) for c in ("school_year", "calendar_year", "students_low", "candidates_suppressed",
                                      "job_seekers_level_3", "subproject_code")] == [
        "schooljaar", "kalenderjaar", "studenten (ondergrens)", "examenkandidaten (onderdrukt)",
        "werkzoekenden niveau 3", "deelprojectcode"]
    assert column_label("some_new_column") == "some new column"  # never a raw underscore name


def test_csv_opens_in_dutch_excel_with_dutch_headers_and_whole_counts():
    import pandas as pd

    from ui.export import csv_bytes

    frame = pd.DataFrame({"period": ["2023-2024", "2024-2025"], "value": [0.153, 0.2], "numerator": [397.0, 12.5],
                          "denominator": [2600.0, 2700.0], "region": ["GM0034", "PV24"]})
    text = csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert text[0] == "periode;waarde;teller;noemer;regio"
    assert text[1] == "2023-2024;0,153;397,0;2600;GM0034"  # a count with a suppressed half stays as it is
    assert text[2] == "2024-2025;0,2;12,5;2700;PV24"

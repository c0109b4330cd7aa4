"""Numbers in the pages' static tables line up on the right, also when the pages wrote them out in Dutch."""

import pandas as pd

from ui import layout


def test_numeric_columns_are_numbers_or_dutch_number_text():
    frame = pd.DataFrame({
        "Gemeente": ["Almere", "Urk", "Lelystad"],
        "Aantal": ["1.234", "<5", "–"],  # DUO's suppressed count and a missing value still read as numbers
        "Aandeel": ["12,5%", "−3,0%", "0%"],
        "Marge": ["5–9", "1.200 – 1.300", "7"],
        "Getal": [3, 12, None],
        "Code": ["GM0034", "GM0184", "GM0995"],
        "Jaar": ["2023/24", "2022/23", "2021/22"],
        "Leeg": ["–", "–", "–"],
        "Vlag": [True, False, True],
    })
    assert layout.numeric_columns(frame) == ["Aantal", "Aandeel", "Marge", "Getal"]


def test_show_table_right_aligns_the_numeric_columns_over_streamlits_own_style(monkeypatch):
    shown = []
    monkeypatch.setattr(layout.st, "table", shown.append)
    layout.show_table(pd.DataFrame({"Domein": ["ICT", "Bouw en infra"], "Signalen": ["3", "24"]}))
    html = shown[0].to_html()
    # only the numbers' column, and with !important: st.table's own stylesheet aligns every cell left otherwise
    assert html.count("text-align: right !important") == 1 and "col1" in html.split("text-align: right")[0]

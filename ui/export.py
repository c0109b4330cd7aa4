"""Downloads: CSV for Dutch Excel, and Excel with a sheet that says where the data come from and what they mean."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd

from ui import format as fmt

ABOUT_SHEET = "Bron en definities"


def dutch_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Dutch headers, and whole numbers as integers ('12', not '12.0') where every value of a column is whole."""
    frame = frame.rename(columns=lambda c: fmt.column_label(str(c)))
    for column in frame.columns[frame.dtypes.map(pd.api.types.is_float_dtype)]:
        values = frame[column].dropna()
        if len(values) and (values == values.round()).all() and values.abs().max() < 2 ** 53:
            frame[column] = frame[column].astype("Int64")
    return frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as Dutch Excel opens it by double-click: ';' between fields, decimal commas, UTF-8 with a BOM."""
    return dutch_columns(frame).to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, about: list[tuple[str, str]]) -> bytes:
    """An .xlsx with the data on 'Gegevens' and source, definitions and filters on 'Bron en definities'."""
    buffer = io.BytesIO()
    notes = pd.DataFrame([*about, ("Gedownload op", datetime.now().strftime("%d-%m-%Y %H:%M"))],
                         columns=["Onderwerp", "Toelichting"])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        dutch_columns(frame).to_excel(writer, sheet_name="Gegevens", index=False)
        notes.to_excel(writer, sheet_name=ABOUT_SHEET, index=False)
        writer.sheets[ABOUT_SHEET].column_dimensions["A"].width = 28
        writer.sheets[ABOUT_SHEET].column_dimensions["B"].width = 100
    return buffer.getvalue()

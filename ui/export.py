"""Downloads: CSV, and Excel with a sheet that says where the data come from and what they mean."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd

ABOUT_SHEET = "Bron en definities"


def csv_bytes(frame: pd.DataFrame, sep: str = ",") -> bytes:
    """UTF-8 CSV with a BOM so that Excel opens it with the right characters; `sep=";"` for Dutch Excel, which reads
    a comma as the decimal mark."""
    return frame.to_csv(index=False, sep=sep).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, about: list[tuple[str, str]]) -> bytes:
    """An .xlsx with the data on 'Gegevens' and source, definitions and filters on 'Bron en definities'."""
    buffer = io.BytesIO()
    notes = pd.DataFrame([*about, ("Gedownload op", datetime.now().strftime("%d-%m-%Y %H:%M"))],
                         columns=["Onderwerp", "Toelichting"])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Gegevens", index=False)
        notes.to_excel(writer, sheet_name=ABOUT_SHEET, index=False)
        writer.sheets[ABOUT_SHEET].column_dimensions["A"].width = 28
        writer.sheets[ABOUT_SHEET].column_dimensions["B"].width = 100
    return buffer.getvalue()

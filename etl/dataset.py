"""What every source module declares about the dataset it reads."""

from __future__ import annotations

from dataclasses import dataclass

from etl import transforms
from etl.targets import FetchTarget

__all__ = ["SOURCE_GROUPS", "Dataset", "FetchTarget"]  # FetchTarget: declared with the dataset, kept in etl/targets.py

SOURCE_GROUPS = ("duo", "cbs", "uwv", "geo")  # what `python -m etl fetch --source` selects


@dataclass(frozen=True)
class Dataset:
    """A published dataset: who publishes it, where, under which licence, and where its raw files go."""

    dataset_id: str
    publisher: str
    title: str
    url: str
    licence: str
    period_type: str
    raw_subdir: str
    fact_table: str
    period_column: str

    @property
    def grain(self) -> tuple[str, ...]:
        """The columns that identify a row of the fact table: what its mart (etl/sql/marts/) orders by."""
        return transforms.grain(self.fact_table)

    def citation(self, is_demo: bool) -> str:
        """Dutch source line as shown under figures; demo data says so."""
        text = f"{self.publisher}, {self.title}"
        return f"{text} (demodata)" if is_demo else text

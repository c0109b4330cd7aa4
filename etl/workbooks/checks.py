"""Data checks on the programme tables (plan of action, monthly reports, uploads)."""

from __future__ import annotations

from etl.checks import Check, accepted_values, not_null, relationship, rule, unique
from etl.workbooks.layout import SIGNAL_KINDS

ACTION_STATUSES = ["niet gestart", "loopt", "afgerond", "vertraagd", "gestopt"]
MILESTONE_STATUSES = ["open", "behaald", "te laat", "vervallen"]


def _within_plan(table: str, code: str, parent: str) -> Check:
    """A monthly row names a code that the active plan has for that subproject."""
    where = (f"not exists (select 1 from {parent} p where p.subproject_code = {table}.subproject_code "  # noqa: S608
             f"and p.{code} = {table}.{code})")  # table and column names are the constants below
    return rule(table, f"{code} bestaat in {parent} van hetzelfde deelproject", where, "subproject_code", code)


PROGRAMME_CHECKS: list[Check] = [
    *not_null("subproject", "subproject_code", "name", "municipality_code", "upload_id"),
    unique("subproject", "subproject_code"),
    relationship("subproject", "municipality_code", "region", "code"),
    *not_null("action", "subproject_code", "action_code", "status"),
    unique("action", "subproject_code", "action_code"),
    relationship("action", "subproject_code", "subproject", "subproject_code"),
    accepted_values("action", "status", ACTION_STATUSES),
    *not_null("milestone", "subproject_code", "milestone_code", "status"),
    unique("milestone", "subproject_code", "milestone_code"),
    relationship("milestone", "subproject_code", "subproject", "subproject_code"),
    accepted_values("milestone", "status", MILESTONE_STATUSES),
    *not_null("kpi", "kpi_code", "name", "kind", "accumulation"),
    unique("kpi", "kpi_code"),
    unique("kpi_target", "subproject_code", "kpi_code", "target_period"),
    relationship("kpi_target", "kpi_code", "kpi", "kpi_code"),
    relationship("kpi_target", "subproject_code", "subproject", "subproject_code"),
    *not_null("kpi_value", "subproject_code", "kpi_code", "month", "value", "upload_id"),
    unique("kpi_value", "subproject_code", "kpi_code", "month"),
    relationship("kpi_value", "kpi_code", "kpi", "kpi_code"),
    relationship("kpi_value", "subproject_code", "subproject", "subproject_code"),
    unique("report_narrative", "subproject_code", "month"),
    unique("milestone_update", "subproject_code", "milestone_code", "month"),
    _within_plan("milestone_update", "milestone_code", "milestone"),
    accepted_values("milestone_update", "status", MILESTONE_STATUSES),
    unique("action_update", "subproject_code", "action_code", "month"),
    _within_plan("action_update", "action_code", "action"),
    accepted_values("action_update", "status", ACTION_STATUSES),
    *not_null("field_signal", "subproject_code", "month", "sheet_row", "signal_date", "municipality_code",
              "domain_id", "kind", "description", "upload_id"),
    unique("field_signal", "subproject_code", "month", "sheet_row"),
    relationship("field_signal", "domain_id", "technical_domain", "domain_id"),
    relationship("field_signal", "municipality_code", "region", "code"),
    accepted_values("field_signal", "kind", list(SIGNAL_KINDS)),
    rule("field_signal", "action_code leeg of een actie van hetzelfde deelproject",
         "action_code is not null and not exists (select 1 from action p where p.subproject_code = "
         "field_signal.subproject_code and p.action_code = field_signal.action_code)", "subproject_code",
         "action_code"),
    *not_null("upload", "upload_id", "kind", "sha256", "uploaded_at", "status", "is_demo"),
    unique("upload", "upload_id"),
    accepted_values("upload", "status", ["active", "superseded", "withdrawn", "rejected"]),
    # Every programme row comes from an upload that is active in this build.
    *(relationship(table, "upload_id", "upload", "upload_id")
      for table in ("subproject", "action", "milestone", "kpi", "kpi_target", "kpi_value", "report_narrative",
                    "milestone_update", "action_update", "field_signal")),
]

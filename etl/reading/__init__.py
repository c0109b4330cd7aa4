"""What the source readers (etl/sources/) share: reading delimited files in DuckDB with located Dutch errors, the CBS
export and bundle helpers, DUO mbo's wide layouts, and temp tables of Python lists. No dataset is declared here."""

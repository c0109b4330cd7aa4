"""The programme's Excel workbooks: plan of action and monthly reports (layout, templates, safe reading, validation)."""

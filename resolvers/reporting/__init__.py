"""Dashboard and reporting: backlog, overview KPIs, conversion and leakage, metrics, mix.

Every figure is computed by the database (aggregates over indexed columns); Python only
folds the few aggregated rows into the typed results below. Each module's docstring says
what its numbers mean; the README repeats it for managers.
"""

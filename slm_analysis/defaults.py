"""Defaults that both the library and the CLI's option declarations need. This module imports
nothing, so the CLI can declare its options without loading DuckDB or pandas."""

# a load that would quarantine more than this share (%) of its file's relevant rows is refused
MAX_QUARANTINED = 50.0
# quarantined records `slm quarantine` lists unless asked for more
QUARANTINE_LIMIT = 50
# months of history `slm demo` writes at most (ten years: about 1.4M check results)
DEMO_MAX_MONTHS = 120
# The plausible years, first and last, both included. A loaded date-time outside them (in UTC)
# is quarantined, and periods and --as-of instants must name a time within them: a year 0001 or
# 9999 is a placeholder or a typing slip, never service data, and would overflow later sums.
YEARS = (1970, 2100)
# the mime type of a plotly figure in a notebook: what the pack's charts are shown and exported as
PLOTLY_MIME = "application/vnd.plotly.v1+json"

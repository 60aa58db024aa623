"""Defaults that both the library and the CLI's option declarations need. This module imports
nothing, so the CLI can declare its options without loading DuckDB or pandas."""

# a load that would quarantine more than this share (%) of its file's relevant rows is refused
MAX_QUARANTINED = 50.0
# quarantined records `slm quarantine` lists unless asked for more
QUARANTINE_LIMIT = 50

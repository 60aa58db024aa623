"""Write notebooks/service_review.ipynb from the cell list below (no outputs).

The notebook is committed; run this after editing the cells here to keep both in step:
    .venv/bin/python scripts/make_notebooks.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

REVIEW = [
    ("notebook-only", "# Service review\n\nThe monthly (or quarterly) service review pack. Run it in "
           "JupyterLab to explore, or render it for a customer with `slm render --customer C "
           "--period P`. Every number comes from `slm_analysis`; this notebook only presents."),
    ("params", 'customer: str = "acme"  # customer id from the catalogue\n'
               'period: str = "2026-10"  # YYYY-MM (month) or YYYY-Qn (quarter)\n'
               'warehouse: str = ""  # DuckDB file; empty: $SLM_DB or data/warehouse.duckdb\n'
               'catalogue: str = ""  # catalogue YAML; empty: $SLM_CATALOGUE or catalogue.yaml'),
    ("code", "import slm_analysis as slm\n\n"
             "review = slm.open_review(customer, period, warehouse=warehouse, catalogue=catalogue)\n"
             "slm.present.cover(review)"),
    ("md", "## Executive summary"),
    ("code", "slm.present.executive_summary(review)"),
    ("md", "## Service level targets\n\nEach target as agreed, what was achieved this period with "
           "its 95 % interval and the number of tickets or outages behind it, the change on the "
           "previous period and the last twelve periods."),
    ("code", "slm.present.target_table(review)"),
    ("md", "## Availability\n\nAvailability over each service's agreed hours; planned "
           "maintenance is excluded, overlapping outages are merged."),
    ("code", "slm.charts.availability_trend(review)"),
    ("code", "slm.present.availability_table(review)"),
    ("md", "## Response and resolution"),
    ("code", "slm.charts.ticket_attainment(review)"),
    ("code", "slm.charts.attainment_trend(review)"),
    ("md", "## Breaches\n\nEvery ticket that missed its target in this period, and where its "
           "time went: business time while the clock ran, time paused awaiting the customer, "
           "and time outside service hours."),
    ("code", "slm.charts.breach_timeline(review)"),
    ("code", "slm.present.breaches_table(review)"),
    ("md", "## Major incidents"),
    ("code", "slm.present.majors_table(review)"),
    ("md", "## Volumes and backlog"),
    ("code", "slm.charts.volume_trend(review)"),
    ("md", "## Customer satisfaction"),
    ("code", "slm.charts.satisfaction_trend(review)"),
    ("md", "## Improvement actions"),
    ("code", "slm.present.actions_table(review)"),
    ("md", "## Appendix\n\n### Target definitions"),
    ("code", "slm.present.definitions(review)"),
    ("md", "### Calculation settings"),
    ("code", "slm.present.settings_table(review)"),
    ("md", "### Data quality"),
    ("code", "slm.present.quality_table(review)"),
    ("md", "### Provenance"),
    ("code", "slm.present.provenance_table(review)"),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in cells:
        if kind in ("md", "notebook-only"):
            cell = new_markdown_cell(src)
            if kind == "notebook-only":  # shown in JupyterLab, left out of the pack
                cell.metadata["tags"] = ["notebook-only"]
            nb.cells.append(cell)
        else:
            cell = new_code_cell(src)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
            nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


if __name__ == "__main__":
    nbformat.write(build(REVIEW), ROOT / "notebooks" / "service_review.ipynb")

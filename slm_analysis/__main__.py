"""``python -m slm_analysis`` is the ``slm`` command."""

from .cli import main

main()

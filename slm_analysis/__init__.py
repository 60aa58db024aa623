"""slm-workbench: exact service level attainment, availability and offline review packs."""

__version__ = "0.1.0"

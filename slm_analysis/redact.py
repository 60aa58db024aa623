"""Pseudonyms for people (``slm render --redact-people``; docs/user-guide.md, *Redacting
people*).

The warehouse columns that hold a person's name (``PERSON_COLUMNS``) give the names a pack
may show. Each becomes ``Person 3F2A9C``: the first six hex digits of a keyed hash
(HMAC-SHA256) of the name under a key of the customer, so the same person has the same
pseudonym in every pack of one customer, a different one for another customer, and nobody
without the key can test a guessed name against it. The names are replaced wherever they
appear in the review's data — person fields and free text (titles, comments) alike — as
whole words, ignoring case. A name the data does not hold as a person (a first name typed
into a comment) is not recognised: comments are shown only when the customer opts in.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from .errors import InputError
from .warehouse import query

# table → the columns whose values are people's names (the survey and incident exports'
# respondent and caller are not stored, so no pack can show them)
PERSON_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "incidents": ("assigned_to",),
    "actions": ("owner",),
}
KEY_ENV = "SLM_REDACT_KEY"
KEY_FILE = ".slm-redact.key"  # beside the catalogue, made on first use
DIGITS = 6  # hex digits of a pseudonym: 16.7 million, so 100 names collide with p ≈ 0.0003

T = TypeVar("T")


def pseudonym(name: str, key: bytes) -> str:
    """``Person 3F2A9C``: the keyed hash of ``name`` (trimmed, case folded) under ``key``."""
    digest = hmac.new(key, name.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"Person {digest[:DIGITS].upper()}"


def customer_key(secret: bytes, customer: str) -> bytes:
    """The key of one customer's pseudonyms, derived from the workspace ``secret``."""
    return hmac.new(secret, f"customer:{customer}".encode(), hashlib.sha256).digest()


def workspace_secret(folder: Path, env: Mapping[str, str] | None = None) -> bytes:
    """The secret pseudonyms are keyed with: ``$SLM_REDACT_KEY`` when set, else the random key
    in ``.slm-redact.key`` of ``folder`` (the catalogue's), written on first use. Keep the
    file (pseudonyms change without it) and out of the packs' recipients' reach."""
    given = (os.environ if env is None else env).get(KEY_ENV, "")
    if given:
        return given.encode()
    path = folder / KEY_FILE
    if not path.exists():
        try:
            _create_key(path)
        except OSError as exc:
            raise InputError(
                f"cannot write the redaction key {path} ({exc.strerror}); set {KEY_ENV} to a "
                "secret text instead"
            ) from None
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if len(text) < 16:
        raise InputError(
            f"the redaction key {path} holds {len(text)} characters; delete it (a new one is "
            f"made) or set {KEY_ENV} to a secret of at least 16 characters"
        )
    return text.encode()


def _create_key(path: Path) -> None:
    """Write a random key to ``path`` (mode 600) unless it exists, atomically: a parallel
    render never reads a half-written key, and the first one written wins."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
        os.link(tmp, path)  # fails when another render made it first
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def person_names(con: duckdb.DuckDBPyConnection, customer: str) -> list[str]:
    """Every distinct person name in the customer's rows of ``PERSON_COLUMNS``."""
    return sorted(query(con, "person_names", {"customer": customer})["name"])


@dataclasses.dataclass(frozen=True)
class Redactor:
    """Replaces known names with their pseudonyms in text and in DataFrames."""

    names: Mapping[str, str]  # case-folded name → pseudonym

    @classmethod
    def build(cls, names: Iterable[str], key: bytes) -> Redactor:
        kept = {n.strip() for n in names if n and n.strip()}
        return cls({n.casefold(): pseudonym(n, key) for n in kept})

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.names:
            return None
        longest_first = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(re.escape(n) for n in longest_first)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def text(self, value: T) -> T:
        """``value`` with every known name in it replaced; other values as they are."""
        pattern = self._pattern
        if pattern is None or not isinstance(value, str):
            return value
        return pattern.sub(lambda m: self._pseudonym_of(m.group(0)), value)  # type: ignore[return-value]

    def _pseudonym_of(self, found: str) -> str:
        """The pseudonym of a name the pattern found: by its case folding, else (a letter
        the regex matches regardless of case but folds differently, such as a Turkish ı) by
        the name it matches."""
        known = self.names.get(found.casefold())
        if known is not None:
            return known
        return next(
            v for k, v in self.names.items() if re.fullmatch(re.escape(k), found, re.IGNORECASE)
        )

    def frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``df`` with the names replaced in every text column."""
        pattern = self._pattern
        if pattern is None or df.empty:
            return df
        out = df.copy()
        for column in out.columns:
            if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
                values = out[column]
                texts = {v for v in values if isinstance(v, str)}
                changed = {v: self.text(v) for v in texts if self.text(v) != v}
                if changed:
                    out[column] = values.map(lambda v, c=changed: c.get(v, v))
        return out

    def fields(self, obj: T) -> T:
        """A copy of the dataclass ``obj`` with every DataFrame field (and those of dataclass
        fields, one level down) passed through ``frame``, and every list of texts through
        ``text``."""
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(obj):  # type: ignore[arg-type]
            value = getattr(obj, f.name)
            if isinstance(value, pd.DataFrame):
                changes[f.name] = self.frame(value)
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                changes[f.name] = self.fields(value)
            elif isinstance(value, list) and all(isinstance(x, str) for x in value):
                changes[f.name] = [self.text(x) for x in value]
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


__all__ = [
    "KEY_ENV",
    "PERSON_COLUMNS",
    "Redactor",
    "customer_key",
    "person_names",
    "pseudonym",
    "workspace_secret",
]

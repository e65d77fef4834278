"""Labeled email datasets: read, validate and hash them.

The interchange format is the one of ``TAXONOMY.md``: a ``text`` column and a
``labels`` column holding label ids separated by ``|`` in CSV (empty for a
clean email) or a JSON list in JSONL. :func:`load_dataset` accepts a pandas
DataFrame or a path, checks everything, and returns a frame whose ``labels``
column holds tuples of ids in taxonomy order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientflags.errors import InvalidInputError, InvalidTypeError, UnknownLabelError
from clientflags.taxonomy import LABEL_IDS, _unknown_label_message

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["dataset_sha256", "label_matrix", "load_dataset", "parse_labels"]

_SHOWN_ROWS = 5


def _rows(positions: Sequence[Any], *, from_file: bool) -> str:
    # Files are reported by line number (header = line 1), frames by index label.
    shown = [str(p + 2) if from_file else repr(p) for p in positions[:_SHOWN_ROWS]]
    more = f" and {len(positions) - _SHOWN_ROWS} more" if len(positions) > _SHOWN_ROWS else ""
    noun = ("line" if from_file else "row") + ("s" if len(positions) > 1 else "")
    return f"{noun} " + ", ".join(shown) + more


def parse_labels(value: object) -> tuple[str, ...]:
    """Parse one ``labels`` cell into a tuple of label ids (not yet validated).

    Parameters
    ----------
    value : str, list, tuple, None or NaN
        ``"a|b"``, ``""``, a JSON list string, or a list of ids.

    Returns
    -------
    tuple of str
        The ids, stripped, empty ones dropped.

    Examples
    --------
    >>> parse_labels("late_payment| disrespect")
    ('late_payment', 'disrespect')
    >>> parse_labels(None)
    ()
    """
    if value is None:
        return ()
    if isinstance(value, float) and value != value:  # NaN from an empty CSV cell
        return ()
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                raise InvalidInputError(f"Could not parse labels cell {value!r} as a JSON list.") from None
        else:
            return tuple(part.strip() for part in stripped.split("|") if part.strip())
    if isinstance(value, (list, tuple, set)) or type(value).__name__ == "ndarray":
        return tuple(str(part).strip() for part in value if str(part).strip())
    raise InvalidInputError(
        f"A labels cell must be a '|'-separated string or a list of label ids, got {type(value).__name__}: {value!r}."
    )


def _read_file(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.is_dir():
        raise InvalidInputError(f"{str(path)!r} is a folder; pass a .csv or .jsonl file.")
    if not path.is_file():
        raise InvalidInputError(f"No such data file: {str(path)!r}.")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
        if suffix in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, dtype=False)
        if suffix == ".json":
            return pd.read_json(path, dtype=False)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        kind = "CSV" if suffix == ".csv" else "JSON"
        raise InvalidInputError(
            f"{str(path)!r} is not valid {kind}: {exc}. "
            + (
                "Check quoting: texts with commas or newlines must be in double quotes."
                if suffix == ".csv"
                else "Each line must be one JSON object with 'text' and 'labels' keys."
            )
        ) from exc
    raise InvalidInputError(f"Unsupported data file type {suffix!r} for {str(path)!r}; use .csv or .jsonl.")


def load_dataset(data: object, *, text_col: str = "text", labels_col: str = "labels") -> pd.DataFrame:
    """Read and validate a labeled dataset.

    Parameters
    ----------
    data : pandas.DataFrame, str or Path
        A frame, or a path to a ``.csv`` / ``.jsonl`` file in the TAXONOMY format.
    text_col : str, default "text"
        Column holding the email bodies.
    labels_col : str, default "labels"
        Column holding the label ids.

    Returns
    -------
    pandas.DataFrame
        A copy with columns ``text`` (str) and ``labels`` (tuple of ids in
        taxonomy order), plus every other column of the input.

    Raises
    ------
    InvalidInputError
        Missing file or column, malformed file, empty texts; the message names
        the rows and the fix.
    UnknownLabelError
        A label id outside the taxonomy; the message names rows and the closest id.
    """
    import pandas as pd

    from_file = False
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    elif isinstance(data, (str, Path)):
        frame = _read_file(Path(data))
        from_file = True
    else:
        raise InvalidTypeError(
            f"data must be a pandas DataFrame or a path to a .csv/.jsonl file, got {type(data).__name__}."
        )
    missing = [col for col in (text_col, labels_col) if col not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"Missing column(s) {missing}; found {list(map(str, frame.columns))}. "
            "Pass text_col=... / labels_col=... (CLI: --text-col / --labels-col) to name yours."
        )
    if frame.empty:
        raise InvalidInputError("The dataset has no rows.")
    positions = list(range(len(frame))) if from_file else list(frame.index)

    texts = frame[text_col]
    bad_type = [
        pos
        for pos, value in zip(positions, texts, strict=False)
        if not isinstance(value, str) and value is not None and value == value
    ]
    if bad_type:
        raise InvalidInputError(f"Texts must be strings; {_rows(bad_type, from_file=from_file)} hold other values.")
    empty = [
        pos for pos, value in zip(positions, texts, strict=False) if not isinstance(value, str) or not value.strip()
    ]
    if empty:
        raise InvalidInputError(
            f"Empty texts at {_rows(empty, from_file=from_file)}. Remove those rows or fill in the email body."
        )

    parsed = []
    unknown: dict[str, list[Any]] = {}
    for pos, cell in zip(positions, frame[labels_col], strict=False):
        ids = parse_labels(cell)
        for label_id in ids:
            if label_id not in LABEL_IDS:
                unknown.setdefault(label_id, []).append(pos)
        parsed.append(tuple(label_id for label_id in LABEL_IDS if label_id in ids))
    if unknown:
        label_id, where = next(iter(unknown.items()))
        others = f" (other unknown ids: {sorted(unknown)[:5]})" if len(unknown) > 1 else ""
        raise UnknownLabelError(
            f"{_unknown_label_message(label_id)} Found at {_rows(where, from_file=from_file)}{others}."
        )
    frame = frame.drop(columns=[text_col, labels_col])
    frame.insert(0, "labels", parsed)
    frame.insert(0, "text", list(texts))
    return frame.reset_index(drop=True)


def label_matrix(labels: Sequence[Sequence[str]], label_ids: Sequence[str] = LABEL_IDS) -> Any:
    """Turn label tuples into a 0/1 indicator matrix.

    Parameters
    ----------
    labels : sequence of sequences of str
        One tuple of ids per email.
    label_ids : sequence of str
        Column order.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_emails, n_labels)``, dtype int.
    """
    import numpy as np

    column = {label: j for j, label in enumerate(label_ids)}
    matrix = np.zeros((len(labels), len(label_ids)), dtype=int)
    for i, ids in enumerate(labels):
        for label_id in ids:
            if label_id in column:
                matrix[i, column[label_id]] = 1
    return matrix


def dataset_sha256(frame: pd.DataFrame) -> str:
    """Hash the texts and labels of a validated dataset (order-sensitive).

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`load_dataset`.

    Returns
    -------
    str
        Hex SHA-256.
    """
    digest = hashlib.sha256()
    for text, labels in zip(frame["text"], frame["labels"], strict=False):
        digest.update(text.encode("utf-8"))
        digest.update(b"\x1f" + "|".join(labels).encode("ascii") + b"\x1e")
    return digest.hexdigest()

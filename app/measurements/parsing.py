"""Reading a measurement batch from its raw JSON body: each item well formed, or rejected."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from app.core import batches
from app.measurements.schemas import MAX_BATCH, MeasurementItem, RejectedItem, ValidBatch

_VALID_BATCH = TypeAdapter(ValidBatch)
_ITEMS = TypeAdapter(list[MeasurementItem])


@dataclass
class ParsedBatch:
    received: int  # items in the body, well formed or not
    items: list[tuple[int, MeasurementItem]]  # the well-formed ones, by index
    rejected: list[RejectedItem]  # the others, with why


def parse_body(body: bytes) -> ParsedBatch:
    """The batch in a raw JSON body; a body that is not `{"items": [...]}` is refused whole.

    The common case, every item well formed, is validated from the bytes in one pass (no
    Python objects in between); otherwise the body is decoded and each item judged alone.
    Above MAX_BATCH items nothing is parsed: only the count is given, for the caller to refuse.
    """
    try:
        items = _VALID_BATCH.validate_json(body).items
        return ParsedBatch(len(items), list(enumerate(items)), [])
    except ValidationError:
        pass
    raw_items = batches.raw_items(body, "a list of measurements")
    if len(raw_items) > MAX_BATCH:
        return ParsedBatch(len(raw_items), [], [])
    rejected: list[RejectedItem] = []
    return ParsedBatch(len(raw_items), _parse(raw_items, rejected), rejected)


def _parse(raw_items: list, rejected: list[RejectedItem]) -> list[tuple[int, MeasurementItem]]:
    """Validate all items in one pass; on errors, report them and validate the rest again."""
    try:
        return list(enumerate(_ITEMS.validate_python(raw_items)))
    except ValidationError as exc:
        first_error: dict[int, ErrorDetails] = {}
        for err in exc.errors():
            first_error.setdefault(int(err["loc"][0]), err)  # loc[0]: the item's index
    for index, err in sorted(first_error.items()):
        raw = raw_items[index]
        where = ".".join(str(p) for p in err["loc"][1:]) or "item"
        rejected.append(
            RejectedItem(
                index=index,
                reason=f"{where}: {err['msg']}",
                indicator_code=_text(raw, "indicator_code"),
                period_end=_text(raw, "period_end"),
            )
        )
    good = [i for i in range(len(raw_items)) if i not in first_error]
    return list(zip(good, _ITEMS.validate_python([raw_items[i] for i in good]), strict=True))


def _text(raw: object, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value[:100] if isinstance(value, str) else None

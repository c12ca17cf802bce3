"""Building Parquet columns that document themselves (description + example in field metadata)."""

from __future__ import annotations

import pyarrow as pa


def column(
    name: str, type_: pa.DataType, description: str, example: str, *, nullable: bool = True
) -> pa.Field:
    """A schema field whose metadata carries the data-dictionary entry for the column."""
    return pa.field(
        name,
        type_,
        nullable=nullable,
        metadata={"description": description, "example": example},
    )

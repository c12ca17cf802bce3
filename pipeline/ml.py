"""Model architectures of biotab's NER (registered with spaCy; config files name them).

`biotab.HashCharEmbed.v1`: spaCy's `MultiHashEmbed` (hash embeddings of token attributes, here
NORM / PREFIX / SUFFIX / SHAPE and the lexicon's TAG) concatenated with spaCy's character
embedding of each word's first and last `nC // 2` UTF-8 bytes, mixed by one Maxout layer into
`width`. spaCy offers the two only as alternatives (`CharacterEmbed` cannot embed TAG); chemical
and disease names carry much of their class in their spelling ("-mab", "-itis"), which a 3-letter
SUFFIX hash sees only in part.

Registered under spaCy's `architectures` registry at import, and through the
`spacy_architectures` entry point in pyproject.toml, so `spacy.load("models/biotab_ner")` finds it
in any environment where biotab is installed.
"""

from __future__ import annotations

from typing import cast

from spacy.ml import _character_embed
from spacy.ml.featureextractor import FeatureExtractor
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    chain,
    concatenate,
    list2ragged,
    ragged2list,
    with_array,
)
from thinc.types import Floats2d, Ints2d, Ragged


@registry.architectures("biotab.HashCharEmbed.v1")
def hash_char_embed(
    width: int, attrs: list[str], rows: list[int], nM: int, nC: int
) -> Model[list[Doc], list[Floats2d]]:
    """Hash embeddings of `attrs` (one table of `rows[i]` rows each) + character embeddings
    (`nC` bytes of `nM` dimensions per word) -> Maxout -> `width` per token."""
    if len(rows) != len(attrs):
        raise ValueError(f"attrs and rows differ in length: {len(attrs)} vs {len(rows)}")
    if nC < 2 or nM < 1:
        raise ValueError(f"nC is {nC} and nM is {nM}: expected nC >= 2 and nM >= 1")
    # seeds as in spaCy's MultiHashEmbed, so each table hashes differently
    embeddings: list[Model[Ints2d, Floats2d]] = [
        HashEmbed(width, n_rows, column=i, seed=8 + i, dropout=0.0)
        for i, n_rows in enumerate(rows)
    ]
    hashed: Model[list[Doc], Ragged] = chain(
        FeatureExtractor(attrs),
        cast(Model[list[Ints2d], Ragged], list2ragged()),
        with_array(concatenate(*embeddings)),
    )
    chars: Model[list[Doc], Ragged] = chain(
        _character_embed.CharacterEmbed(nM=nM, nC=nC),
        cast(Model[list[Floats2d], Ragged], list2ragged()),
    )
    mixed: Model[Ragged, Ragged] = with_array(
        Maxout(width, width * len(attrs) + nM * nC, nP=3, dropout=0.0, normalize=True)
    )
    return cast(
        Model[list[Doc], list[Floats2d]],
        chain(concatenate(hashed, chars), mixed, ragged2list()),
    )

"""Splitting many tokens of a Doc at once, in time linear in the Doc's length.

spaCy's `Doc.retokenize()` applies the splits one after another when its context exits, and
each split moves every later token (and, with a `doc.tensor`, every later row of it, one numpy
assignment per row) and walks the whole Doc for heads: n splits of a Doc of m tokens cost n x m
(3,000 splits of a 9,000-token text took 4.5 s; a 200,000-character chunk of such text about
100 s). `split_tokens` builds one new Doc with all the splits instead.

The new Doc holds what spaCy's split would give: the same words and spaces, each piece of a
split token with the token's attributes (tag, POS, morphology, dependency label, entity type
and ids), its lemma set to the piece's text when the token had one, no norm of its own (the
lexeme's), the first piece `B` and the others `I` of an entity the token began, every piece's
head on the first piece, and `doc.tensor` with zero rows for the pieces; other tokens keep their
values, and heads point to the same tokens. The Doc's user data (span and token extension
values, kept by character offsets, which a split does not move), categories, hooks and
pipeline context are carried over. One thing differs, on purpose: spaCy gives the second and
later pieces the sentence start of the tokens that followed the split token (its split writes
the pieces over them), so "IGF-IL-3. There" split before "IL-3" began a sentence "IL-3.";
here a piece after the first never starts a sentence.

Span groups (`doc.spans`) are not carried: callers that keep them re-create them by character
offsets (`cytokine_spans.split_tokens_for`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import numpy
from spacy.attrs import (
    DEP,
    ENT_ID,
    ENT_IOB,
    ENT_KB_ID,
    ENT_TYPE,
    HEAD,
    LEMMA,
    MORPH,
    NORM,
    POS,
    SENT_START,
    TAG,
)
from spacy.tokens import Doc
from thinc.types import Ints2d

#: The token attributes carried over: spaCy's `DocBin` attributes but ORTH (the words).
ATTRS = (NORM, TAG, HEAD, DEP, ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID, LEMMA, MORPH, POS, SENT_START)
_COL = {attr: k for k, attr in enumerate(ATTRS)}
_IOB_BEGIN, _IOB_INSIDE = 3, 1


def split_tokens(doc: Doc, pieces: Mapping[int, Sequence[str]]) -> Doc:
    """A new Doc in which token `i` of `doc` is replaced by the tokens `pieces[i]` (texts that
    join to the token's text; the last keeps the token's trailing space). See the module
    docstring for the attributes the pieces get."""
    n = len(doc)
    counts = numpy.ones(n, dtype=numpy.int64)
    words: list[str] = []
    spaces: list[bool] = []
    for token in doc:
        texts = pieces.get(token.i)
        if texts and len(texts) > 1:
            if "".join(texts) != token.text:
                raise ValueError(f"pieces {list(texts)!r} do not make token {token.text!r}")
            counts[token.i] = len(texts)
            words.extend(texts)
            spaces.extend([False] * (len(texts) - 1))
        else:
            words.append(token.text)
        spaces.append(bool(token.whitespace_))
    old = numpy.repeat(numpy.arange(n, dtype=numpy.int64), counts)  # new token -> old token
    first = numpy.cumsum(counts) - counts  # old token -> its first new token
    piece = numpy.arange(len(old), dtype=numpy.int64) - first[old]  # 0 for a first piece
    split = counts[old] > 1  # new tokens that are pieces of a split token
    later = piece > 0

    base = doc.to_array(list(ATTRS)).reshape((n, len(ATTRS)))
    values = base[old]
    if n:
        # heads: the same tokens (their first pieces); a piece's head is its first piece
        rel = numpy.ascontiguousarray(base[:, _COL[HEAD]]).view(numpy.int64)
        head = first[numpy.arange(n) + rel][old] - numpy.arange(len(old))
        head[split] = -piece[split]
        values[:, _COL[HEAD]] = head.astype(numpy.uint64)
        values[split, _COL[NORM]] = 0
        lemma = values[:, _COL[LEMMA]]
        strings = doc.vocab.strings
        for k in numpy.flatnonzero(split & (lemma != 0)).tolist():
            lemma[k] = strings.add(words[k])
        iob = values[:, _COL[ENT_IOB]]
        iob[later & (iob == _IOB_BEGIN)] = _IOB_INSIDE
        sent = values[:, _COL[SENT_START]]
        sent[later & (sent != 0)] = numpy.uint64(2**64 - 1)  # -1: not a sentence start
    new = Doc(doc.vocab, words=words, spaces=spaces, user_data=doc.user_data)
    if n:
        new.from_array(list(ATTRS), cast(Ints2d, values))
    tensor = doc.tensor
    if tensor is not None and tensor.size and len(tensor) >= n:
        rows = tensor[:n][old]  # (spaCy's own splits leave rows past the Doc's end)
        rows[split] = 0
        new.tensor = rows
    new.cats = doc.cats
    new.user_hooks = dict(doc.user_hooks)
    new.user_token_hooks = dict(doc.user_token_hooks)
    new.user_span_hooks = dict(doc.user_span_hooks)
    new.has_unknown_spaces = doc.has_unknown_spaces
    new._context = doc._context
    return new

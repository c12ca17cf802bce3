"""Greedy decoding of spaCy's transition-based NER model in numpy (used by `biotab_ner`).

spaCy's own loop (`Parser.greedy_parse`) is C, but the wheels for Python 3.11 are compiled with
Cython's profiling hooks, and in code that runs without the GIL each hook takes the GIL and
gives it back: about 70% of the `ner` component's time on this project's machines went to
`take_gil`/`drop_gil` (perf, session 28). This module computes the same decisions with a few
array operations per batch.

The model (`spacy.TransitionBasedParser.v2`, `state_type = "ner"`, no extra state tokens) scores
each state from three token features: the first token of the buffer `i`, and while an entity
is open its first token `s` and the token before `i`; with no entity open the last two are the
model's padding vectors. So:

- with no entity open, a token's scores do not depend on earlier decisions: they are computed
  for every token at once, and the best valid move (B-, U- or O) taken for each;
- an entity opened by B- at `s` continues (I-) or ends (L-) at each next token; those scores
  depend only on `s` and the token, so the first `WINDOW` tokens after every B- are scored at
  once too;
- a short pass in order drops the B- and U- decisions that fall inside an entity opened earlier,
  and follows an entity still open after its window (only one that is reached: time stays
  linear in the text's length whatever the model decides).

The arithmetic is spaCy's: the same precomputed features (the model's own `lower` layer), added
in the same order, the same maxout, the same moves' validity (no entity across a sentence
start, none starting on whitespace, B- not on a document's last token) and first-best ties.
Only the output layer's matrix product runs in numpy's BLAS rather than blis, whose sums may
differ in the last bit. Measured: the same entities as spaCy's loop on every document of
BC5CDR and NCBI-disease train and devel, pico-dev's tuned part and the seeds
(`benchmarks/ner_equivalence.py`; `tests/test_ner_component.py` checks the seeds, built cases
and random models).

`decoder_for(parser)` returns None where this does not apply (beam search, another
architecture or transition system, classes the model never saw); `GreedyDecoder.entities`
returns None for a batch with entities set before the model runs (spaCy's loop keeps those).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.tokens import Doc

#: tokens scored together after an entity's first token; an entity longer than this is
#: scored window after window
WINDOW = 8

# (start, end, label id) of one entity, token offsets in its Doc
Entity = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Moves:
    """The model's classes by kind: columns of its scores."""

    begin: NDArray[np.intp]  # B- columns with a label
    unit: NDArray[np.intp]  # U- columns with a label
    closed_invalid: NDArray[np.intp]  # I-, L- and label-less U- columns: never valid when closed
    label: NDArray[np.uint64]  # label id of each column (0 for O and U-)
    inside: NDArray[np.intp]  # per column: the I- column of its label (-1 if none)
    last: NDArray[np.intp]  # per column: the L- column of its label (-1 if none)
    is_begin: NDArray[np.bool_]  # per column: a B- move with a label
    is_unit: NDArray[np.bool_]  # per column: a U- move with a label

    @classmethod
    def from_names(cls, names: list[str], label_ids: dict[str, int]) -> Moves | None:
        """The moves of `names` (`B-DRUG`, ..., `U-`, `O`); None if one is not BILUO."""
        kinds, labels = [], []
        for name in names:
            kind, _, label = name.partition("-")
            if kind not in ("B", "I", "L", "U", "O") or (kind == "O" and label):
                return None
            kinds.append(kind)
            labels.append(label)
        if kinds.count("O") != 1:
            return None
        moves = list(zip(kinds, labels, strict=True))
        col = {move: i for i, move in enumerate(moves)}

        def columns(keep: Callable[[str, str], bool]) -> NDArray[np.intp]:
            return np.array([i for i, (k, lab) in enumerate(moves) if keep(k, lab)], np.intp)

        begin = columns(lambda k, lab: k == "B" and bool(lab))
        unit = columns(lambda k, lab: k == "U" and bool(lab))
        return cls(
            begin=begin,
            unit=unit,
            closed_invalid=columns(lambda k, lab: k in ("I", "L") or (k == "U" and not lab)),
            label=np.array([label_ids[lab] if lab else 0 for lab in labels], np.uint64),
            inside=np.array([col.get(("I", lab), -1) for lab in labels], np.intp),
            last=np.array([col.get(("L", lab), -1) for lab in labels], np.intp),
            is_begin=np.isin(np.arange(len(moves)), begin),
            is_unit=np.isin(np.arange(len(moves)), unit),
        )


def maxout_hidden(first: NDArray[np.float32], second: NDArray[np.float32],
                  third: NDArray[np.float32], bias: NDArray[np.float32]) -> NDArray[np.float32]:
    """The hidden layer of a state from its three features `(..., nO, nP)`: their sum plus the
    bias, in spaCy's order (`sum_state_features`, then the bias), then the max over pieces."""
    unmaxed = first + second
    unmaxed += third
    unmaxed += bias
    if unmaxed.shape[-1] == 2:  # the usual maxout: two pieces, a cheap elementwise max
        return np.maximum(unmaxed[..., 0], unmaxed[..., 1])
    return unmaxed.max(axis=-1)


class GreedyDecoder:
    """Entities of a batch of Docs by a transition-based NER model's greedy decisions."""

    def __init__(self, model: Any, moves: Moves) -> None:
        self.tok2vec, self.lower, self.upper = model.layers
        self.moves = moves

    def entities(self, docs: list[Doc]) -> list[list[Entity]] | None:
        """Per Doc, its entities as `(start, end, label id)` in order; None if a Doc already
        has entity annotation (its decisions are constrained: spaCy's loop decides)."""
        lengths = np.array([len(doc) for doc in docs], np.intp)
        total = int(lengths.sum())
        if total == 0:
            return [[] for _ in docs]
        flags = np.concatenate([doc.to_array([ENT_IOB, SENT_START, IS_SPACE]) for doc in docs
                                if len(doc)]).astype(np.int64)
        if flags[:, 0].any():
            return None
        features = self.lower.predict(self.tok2vec.predict(docs))  # (1 + tokens, nF, nO, nP)
        padding, tokens = features[0], features[1:]
        doc_end = np.repeat(np.cumsum(lengths), lengths)  # one past each token's Doc
        # the next token starts a sentence: no entity may run into it
        next_starts = np.zeros(total, bool)
        next_starts[:-1] = flags[1:, 1] == 1
        batch = _Batch(tokens, self.lower.get_param("b"), self.upper.get_param("W").T,
                       self.upper.get_param("b"), doc_end, next_starts, self.moves)
        space = flags[:, 2] != 0
        last_token = np.arange(total) == doc_end - 1

        scores = maxout_hidden(tokens[:, 0], padding[1], padding[2], batch.bias) @ batch.weights
        scores += batch.out_bias
        moves = self.moves
        scores[:, moves.closed_invalid] = -np.inf
        scores[np.ix_(last_token | next_starts | space, moves.begin)] = -np.inf
        scores[np.ix_(space, moves.unit)] = -np.inf
        best = scores.argmax(axis=1)  # first of equal scores, as spaCy's arg_max_if_valid

        spans = batch.opened(best)
        # U- decisions stand outside the entities opened by B-
        covered = np.zeros(total + 1, np.intp)
        if spans:
            bounds = np.array(spans, np.intp)
            np.add.at(covered, bounds[:, 0], 1)
            np.add.at(covered, bounds[:, 1], -1)
        inside = np.cumsum(covered[:-1]) > 0
        units = np.flatnonzero(moves.is_unit[best] & ~inside)
        spans.extend((u, u + 1, int(best[u])) for u in units.tolist())
        return self._per_doc(sorted(spans), lengths)

    def _per_doc(self, spans: list[tuple[int, int, int]],
                 lengths: NDArray[np.intp]) -> list[list[Entity]]:
        """`spans` (batch token offsets, score column) as each Doc's entities."""
        doc_starts = np.cumsum(lengths) - lengths
        doc_of = np.repeat(np.arange(lengths.size), lengths)
        result: list[list[Entity]] = [[] for _ in range(lengths.size)]
        labels = self.moves.label
        for start, end, column in spans:
            i = int(doc_of[start])
            offset = int(doc_starts[i])
            result[i].append((start - offset, end - offset, int(labels[column])))
        return result


@dataclass(frozen=True, slots=True)
class _Batch:
    """What deciding the entities opened by B- needs of one batch (token offsets across it)."""

    tokens: NDArray[np.float32]  # (tokens, nF, nO, nP): the model's precomputed features
    bias: NDArray[np.float32]  # (nO, nP)
    weights: NDArray[np.float32]  # (nO, classes): the output layer, transposed
    out_bias: NDArray[np.float32]  # (classes,)
    doc_end: NDArray[np.intp]  # per token: one past its Doc's last token
    next_starts: NDArray[np.bool_]  # per token: the next one starts a sentence
    moves: Moves

    def opened(self, best: NDArray[np.intp]) -> list[tuple[int, int, int]]:
        """The entities opened by B- in `best` (the closed state's decisions), in order: each B-
        inside an entity opened before it is not reached. `(start, end, column)`.

        The first window after every B- is scored at once; an entity still open after it is
        followed only when its B- is reached, so each token is scored a bounded number of times
        (no B- inside a long entity scans the rest of it)."""
        begins = np.flatnonzero(self.moves.is_begin[best])
        columns = best[begins]
        ends = self.window_ends(begins, columns, begins + 1)
        spans: list[tuple[int, int, int]] = []
        covered_until = -1
        for start, end, column in zip(begins.tolist(), ends.tolist(), columns.tolist(),
                                      strict=True):
            if start <= covered_until:
                continue
            first = start + 1 + WINDOW
            while end < 0:  # still open after the window: the next one
                end = int(self.window_ends(np.array([start]), np.array([column]),
                                           np.array([first]))[0])
                first += WINDOW
            spans.append((start, end + 1, column))
            covered_until = end
        return spans

    def window_ends(self, begins: NDArray[np.intp], columns: NDArray[np.intp],
                    first: NDArray[np.intp]) -> NDArray[np.intp]:
        """For each entity opened at `begins` (its label's B- column in `columns`), its last
        token among the `WINDOW` tokens from `first` on, or -1 if it stays open past them: the
        first token where I- is not valid (the Doc's last token, or the next one starts a
        sentence) or L- scores above I- (I- wins a tie: spaCy takes the first valid column)."""
        offsets = np.arange(WINDOW)
        index = first[:, None] + offsets
        in_doc = index < self.doc_end[begins][:, None]
        index = np.where(in_doc, index, first[:, None])  # past the Doc: any row, not used
        hidden = maxout_hidden(self.tokens[index, 0], self.tokens[begins, 1][:, None],
                               self.tokens[index - 1, 2], self.bias)
        step = hidden @ self.weights
        step += self.out_bias
        rows = np.arange(begins.size)[:, None]
        go_on = (in_doc & (index < self.doc_end[begins][:, None] - 1) & ~self.next_starts[index]
                 & (step[rows, offsets, self.moves.inside[columns][:, None]]
                    >= step[rows, offsets, self.moves.last[columns][:, None]]))
        stopped = ~go_on.all(axis=1)
        return np.where(stopped, first + (~go_on).argmax(axis=1), -1)


def decoder_for(parser: Any) -> GreedyDecoder | None:
    """A decoder for `parser` (spaCy's `EntityRecognizer`) when its model and settings are the
    ones this module reproduces, else None."""
    model = parser.model
    if parser.cfg.get("beam_width", 1) != 1 or len(model.layers) != 3:
        return None
    if not model.attrs.get("has_upper") or model.attrs.get("unseen_classes"):
        return None
    lower = model.layers[1]
    if not lower.has_dim("nF") or lower.get_dim("nF") != 3:
        return None
    if not lower.has_dim("nP") or lower.get_dim("nP") < 2:
        return None
    names = [parser.moves.get_class_name(i) for i in range(parser.moves.n_moves)]
    strings = parser.vocab.strings
    moves = Moves.from_names(names, {name.partition("-")[2]: strings.add(name.partition("-")[2])
                                     for name in names if name.partition("-")[2]})
    if moves is None or model.layers[2].get_dim("nO") != len(names):
        return None
    return GreedyDecoder(model, moves)

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

The arithmetic is spaCy's, to the bit: the same precomputed features (the model's own `lower`
layer), added in the same order, the same maxout (`Vec.arg_max`), the output layer multiplied
by the same BLAS (blis, as spaCy's `CBlas`: numpy's BLAS sums in another order and differed in
the last bit in about half the scores, which flips a decision whose two best scores are that
close), the same moves' validity (no entity across a sentence start, none starting on
whitespace, B- not on a document's last token) and the same choice among valid moves
(`arg_max_if_valid`: the first valid one unless a later one scores strictly more, so equal,
infinite or NaN scores decide as in spaCy). Arrays are built `CHUNK` states at a time: memory
stays bounded whatever the batch's length. Measured: the same entities as spaCy's loop on every
document of BC5CDR and NCBI-disease train and devel, pico-dev's tuned part and the seeds
(`benchmarks/ner_equivalence.py`; `tests/test_ner_component.py` checks the seeds, built cases
and random models).

`decoder_for(parser)` returns None where this does not apply (beam search, another
architecture or transition system, classes the model never saw, ops other than thinc's
`NumpyOps` on the CPU: GPU arrays, or another BLAS in spaCy's loop); `GreedyDecoder.entities`
returns None for a batch with entity annotation set before the model runs (spaCy's loop keeps
it: preset entities constrain the moves, and spaCy keeps a token's `ent_type`/`ent_kb_id`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import blis.py
import numpy as np
from numpy.typing import NDArray
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, IS_SPACE, SENT_START
from spacy.tokens import Doc
from thinc.api import NumpyOps

#: tokens scored together after an entity's first token; an entity longer than this is
#: scored window after window
WINDOW = 8

#: states scored per block (closed states, or tokens of the windows: CHUNK // WINDOW windows):
#: the temporary arrays stay under about 2 KB per state (some 16 MB) whatever the batch
CHUNK = 8192

# (start, end, label id) of one entity, token offsets in its Doc
Entity = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Moves:
    """The model's classes by kind: columns of its scores."""

    begin: NDArray[np.intp]  # B- columns with a label
    unit: NDArray[np.intp]  # U- columns with a label
    closed_valid: NDArray[np.bool_]  # per column: may be valid with no entity open (B-, U-, O)
    label: NDArray[np.uint64]  # label id of each column (0 for O and U-)
    inside: NDArray[np.intp]  # per column: the I- column of its label (-1 if none)
    last: NDArray[np.intp]  # per column: the L- column of its label (-1 if none)
    is_begin: NDArray[np.bool_]  # per column: a B- move with a label
    is_unit: NDArray[np.bool_]  # per column: a U- move with a label
    inside_first: NDArray[np.bool_]  # per column: its label's I- column comes before its L-

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
        inside = np.array([col.get(("I", lab), -1) for lab in labels], np.intp)
        last = np.array([col.get(("L", lab), -1) for lab in labels], np.intp)
        every = np.arange(len(moves))
        # a move without a label is valid only on preset entities (never here), O aside
        closed = columns(lambda k, lab: k == "O" or (k in ("B", "U") and bool(lab)))
        return cls(
            begin=begin,
            unit=unit,
            closed_valid=np.isin(every, closed),
            label=np.array([label_ids[lab] if lab else 0 for lab in labels], np.uint64),
            inside=inside,
            last=last,
            is_begin=np.isin(every, begin),
            is_unit=np.isin(every, unit),
            inside_first=inside < last,
        )


def maxout_hidden(first: NDArray[np.float32], second: NDArray[np.float32],
                  third: NDArray[np.float32], bias: NDArray[np.float32]) -> NDArray[np.float32]:
    """The hidden layer of a state from its three features `(..., nO, nP)`: their sum plus the
    bias, in spaCy's order (`sum_state_features`, then the bias), then the piece thinc's
    `Vec.arg_max` picks (the same value as the max, NaN included)."""
    unmaxed = first + second
    unmaxed += third
    unmaxed += bias
    pieces = [unmaxed[..., p] for p in range(unmaxed.shape[-1])]
    if len(pieces) == 2:  # arg_max's own case: 0 if scores[0] > scores[1] else 1
        # the same values but where the first is NaN (and a zero's sign, which no later sum
        # or comparison tells apart)
        hidden = np.maximum(pieces[0], pieces[1])
        if np.isnan(hidden).any():
            hidden = np.where(pieces[0] > pieces[1], pieces[0], pieces[1])
        return hidden
    hidden = pieces[0]
    for piece in pieces[1:]:  # the first piece, replaced by any later one strictly above it
        hidden = np.where(piece > hidden, piece, hidden)
    return hidden


def first_best(scores: NDArray[np.float32], valid: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Per row, the move spaCy's `arg_max_if_valid` takes: the first valid column, replaced by
    a later valid one only if it scores strictly more than the best so far. So equal scores go
    to the first column; NaN never wins unless it is the first valid score (then nothing beats
    it); if every valid score is -inf the first valid column wins. Each row has a valid one."""
    rows = np.arange(scores.shape[0])
    first = valid.argmax(axis=1)
    comparable = np.where(valid & ~np.isnan(scores), scores, -np.inf)
    best = comparable.argmax(axis=1)  # the first of the highest valid non-NaN scores
    return np.where(comparable[rows, best] > scores[rows, first], best, first)


class GreedyDecoder:
    """Entities of a batch of Docs by a transition-based NER model's greedy decisions."""

    def __init__(self, model: Any, moves: Moves) -> None:
        self.tok2vec, self.lower, self.upper = model.layers
        self.moves = moves

    def entities(self, docs: list[Doc]) -> list[list[Entity]] | None:
        """Per Doc, its entities as `(start, end, label id)` in order; None if a Doc already
        has entity annotation (an IOB tag, entity type or KB id: spaCy's loop decides)."""
        lengths = np.array([len(doc) for doc in docs], np.intp)
        total = int(lengths.sum())
        if total == 0:
            return [[] for _ in docs]
        flags = np.concatenate([doc.to_array([ENT_IOB, ENT_TYPE, ENT_KB_ID, SENT_START, IS_SPACE])
                                for doc in docs if len(doc)]).astype(np.int64)
        if flags[:, :3].any():
            return None
        features = self.lower.predict(self.tok2vec.predict(docs))  # (1 + tokens, nF, nO, nP)
        doc_end = np.repeat(np.cumsum(lengths), lengths)  # one past each token's Doc
        # the next token starts a sentence: no entity may run into it
        next_starts = np.zeros(total, bool)
        next_starts[:-1] = flags[1:, 3] == 1
        batch = _Batch(features[1:], features[0], self.lower.get_param("b"),
                       self.upper.get_param("W"), self.upper.get_param("b"), doc_end,
                       next_starts, self.moves)
        space = flags[:, 4] != 0
        no_begin = (np.arange(total) == doc_end - 1) | next_starts | space
        best = np.concatenate([batch.closed_best(lo, min(lo + CHUNK, total), no_begin, space)
                               for lo in range(0, total, CHUNK)])

        spans = batch.opened(best)
        # U- decisions stand outside the entities opened by B-
        covered = np.zeros(total + 1, np.intp)
        if spans:
            bounds = np.array(spans, np.intp)
            np.add.at(covered, bounds[:, 0], 1)
            np.add.at(covered, bounds[:, 1], -1)
        inside = np.cumsum(covered[:-1]) > 0
        units = np.flatnonzero(self.moves.is_unit[best] & ~inside)
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
    padding: NDArray[np.float32]  # (nF, nO, nP): the features of no token
    bias: NDArray[np.float32]  # (nO, nP)
    weights: NDArray[np.float32]  # (classes, nO): the output layer
    out_bias: NDArray[np.float32]  # (classes,)
    doc_end: NDArray[np.intp]  # per token: one past its Doc's last token
    next_starts: NDArray[np.bool_]  # per token: the next one starts a sentence
    moves: Moves

    def scores(self, hidden: NDArray[np.float32]) -> NDArray[np.float32]:
        """The output layer on hidden states `(states, nO)`, as spaCy's `predict_states`: blis's
        product (its `CBlas`; the same sums, bit for bit, whatever the number of states), then
        the bias."""
        scores: NDArray[np.float32] = blis.py.gemm(np.ascontiguousarray(hidden), self.weights,
                                                   trans2=True, beta=0.0)
        scores += self.out_bias
        return scores

    def closed_best(self, lo: int, hi: int, no_begin: NDArray[np.bool_],
                    space: NDArray[np.bool_]) -> NDArray[np.intp]:
        """The best valid move of tokens `lo:hi` with no entity open: B- (not on a Doc's last
        token, before a sentence start or on whitespace), U- (not on whitespace) or O."""
        hidden = maxout_hidden(self.tokens[lo:hi, 0], self.padding[1], self.padding[2], self.bias)
        scores = self.scores(hidden)
        valid = np.repeat(self.moves.closed_valid[None, :], hi - lo, axis=0)
        valid[np.ix_(no_begin[lo:hi], self.moves.begin)] = False
        valid[np.ix_(space[lo:hi], self.moves.unit)] = False
        return first_best(scores, valid)

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
        token among the `WINDOW` tokens from `first` on, or -1 if it stays open past them
        (`CHUNK // WINDOW` entities at a time)."""
        size = max(1, CHUNK // WINDOW)
        parts = [self._window_ends(begins[i:i + size], columns[i:i + size], first[i:i + size])
                 for i in range(0, begins.size, size)]
        return np.concatenate(parts) if parts else np.zeros(0, np.intp)

    def _window_ends(self, begins: NDArray[np.intp], columns: NDArray[np.intp],
                     first: NDArray[np.intp]) -> NDArray[np.intp]:
        """`window_ends` of a block: the first token where I- is not valid (the Doc's last
        token, or the next one starts a sentence) or is not spaCy's choice over L- (I- comes
        first: L- must score strictly more)."""
        offsets = np.arange(WINDOW)
        index = first[:, None] + offsets
        in_doc = index < self.doc_end[begins][:, None]
        index = np.where(in_doc, index, first[:, None])  # past the Doc: any row, not used
        hidden = maxout_hidden(self.tokens[index, 0], self.tokens[begins, 1][:, None],
                               self.tokens[index - 1, 2], self.bias)
        step = self.scores(hidden.reshape(-1, hidden.shape[-1]))
        step = step.reshape(begins.size, WINDOW, -1)
        rows = np.arange(begins.size)[:, None]
        inside = step[rows, offsets, self.moves.inside[columns][:, None]]
        last = step[rows, offsets, self.moves.last[columns][:, None]]
        # arg_max_if_valid over the two valid moves: the later column needs a strictly higher
        # score (NaN never does)
        inside_wins = np.where(self.moves.inside_first[columns][:, None], ~(last > inside),
                               inside > last)
        go_on = (in_doc & (index < self.doc_end[begins][:, None] - 1) & ~self.next_starts[index]
                 & inside_wins)
        stopped = ~go_on.all(axis=1)
        return np.where(stopped, first + (~go_on).argmax(axis=1), -1)


def decoder_for(parser: Any) -> GreedyDecoder | None:
    """A decoder for `parser` (spaCy's `EntityRecognizer`) when its model and settings are the
    ones this module reproduces, else None."""
    model = parser.model
    if parser.cfg.get("beam_width", 1) != 1 or len(model.layers) != 3:
        return None
    # spaCy's loop multiplies with `model.ops.cblas()`: blis for thinc's NumpyOps (the GPU's
    # CupyOps hold cupy arrays; an ops with its own cblas would sum in another order)
    if not isinstance(model.ops, NumpyOps) or type(model.ops).cblas is not NumpyOps.cblas:
        return None
    if not model.attrs.get("has_upper") or model.attrs.get("unseen_classes"):
        return None
    lower = model.layers[1]
    if not lower.has_dim("nF") or lower.get_dim("nF") != 3:
        return None
    if not lower.has_dim("nP") or lower.get_dim("nP") < 2:
        return None
    names = [parser.moves.get_class_name(i) for i in range(parser.moves.n_moves)]
    labels = {name.partition("-")[2] for name in names} - {""}
    moves = Moves.from_names(names, {label: parser.vocab.strings.add(label) for label in labels})
    if moves is None or model.layers[2].get_dim("nO") != len(names):
        return None
    return GreedyDecoder(model, moves)

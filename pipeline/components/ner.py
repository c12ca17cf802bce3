"""`biotab_ner`: spaCy's entity recognizer, its greedy decisions computed in numpy.

Reads: `tok2vec`'s vectors (through the model's listener), sentence starts (`Token.is_sent_start`:
no entity runs across one) and whitespace tokens. Writes: `doc.ents` (DRUG and DISEASE from the
shipped model) and every token's `ent_iob`/`ent_type`, exactly as spaCy's `ner` does.

The same model, training (`update`), scoring and files (`to_disk`/`from_disk`) as spaCy's
`EntityRecognizer`; only `predict` and `set_annotations` differ, where
`components/ner_decode.py` applies (greedy decoding of the shipped architecture, no entities set
before it): there the decisions come from a few array operations per batch instead of spaCy's
per-token loop, which spends most of its time taking and releasing the GIL in the Python 3.11
wheels (`ner_decode`'s docstring). Elsewhere (beam search, another architecture, ops other
than thinc's NumpyOps, documents with entity annotation set before it: IOB tags, entity types
or KB ids) spaCy's own code runs.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.pipeline.ner import DEFAULT_NER_MODEL, EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab
from thinc.api import Model

from pipeline.components.ner_decode import Entity, GreedyDecoder, decoder_for


class DecodedEntities(list[list[Entity]]):
    """`predict`'s result when `ner_decode` decided: each Doc's `(start, end, label id)`."""


class GreedyEntityRecognizer(EntityRecognizer):
    """spaCy's `EntityRecognizer` with `ner_decode`'s greedy decoding where it applies."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "ner", moves: Any = None,
                 **settings: Any) -> None:
        super().__init__(vocab, model, name, moves, **settings)
        # built on first use: the labels and weights are known only after from_disk/initialize
        self._decoder: GreedyDecoder | None = None
        self._decoder_for: tuple[Any, ...] | None = None

    def _decoder_key(self) -> tuple[Any, ...]:
        """What `decoder_for` reads: the model and its layers (objects, compared by identity:
        `_resize` replaces the output layer), its ops, the moves by name (`from_disk` or
        `initialize` may bring other labels in the same number), beam width, unseen classes."""
        model = self.model
        return (model, *model.layers, model.ops, self.cfg.get("beam_width", 1),
                frozenset(model.attrs.get("unseen_classes", ())),
                tuple(self.moves.get_class_name(i) for i in range(self.moves.n_moves)))

    def _current_decoder(self) -> GreedyDecoder | None:
        key = self._decoder_key()
        if key != self._decoder_for:
            self._decoder = decoder_for(self)
            self._decoder_for = key
        return self._decoder

    def predict(self, docs: Any) -> Any:
        """Each Doc's entities (`DecodedEntities`), or spaCy's parse states where the decoder
        does not apply."""
        docs = [docs] if isinstance(docs, Doc) else list(docs)  # a generator is read once
        decoder = self._current_decoder()
        found = decoder.entities(docs) if decoder is not None else None
        if found is None:
            return super().predict(docs)
        return DecodedEntities(found)

    def set_annotations(self, docs: Any, states_or_beams: Any) -> None:
        """`doc.ents` from `predict`'s result; every other token outside an entity (`O`), as
        spaCy's `BiluoPushDown.set_annotations` leaves them."""
        if not isinstance(states_or_beams, DecodedEntities):
            super().set_annotations(docs, states_or_beams)
            return
        for doc, entities in zip(docs, states_or_beams, strict=True):
            doc.set_ents([Span(doc, start, end, label=label) for start, end, label in entities],
                         default="outside")
            for hook in self.postprocesses:
                hook(doc)


@Language.factory(
    "biotab_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_ner(nlp: Language, name: str, *, model: Model, moves: Any,
             update_with_oracle_cut_size: int, incorrect_spans_key: str | None,
             scorer: Any) -> GreedyEntityRecognizer:
    """spaCy's `ner` factory's settings, spaCy's defaults."""
    return GreedyEntityRecognizer(
        nlp.vocab, model, name=name, moves=moves,
        update_with_oracle_cut_size=update_with_oracle_cut_size,
        incorrect_spans_key=incorrect_spans_key, scorer=scorer,
    )

"""What the report shows, computed from the tables with pandas (no HTML here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.labels import DISEASE, DRUG
from pipeline.report.markup import bool_col, str_col

if TYPE_CHECKING:
    import pandas as pd


def concept_keys(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions with `key` (concept_id, else "text:" + lower-cased text) and `name` columns.
    Class words ("cytokines", "interleukins": `is_generic`) are left out: they name no concept and
    would top every list."""
    m = mentions[~bool_col(mentions, "is_generic")].copy()
    text = str_col(m, "text").fillna("")
    cid = str_col(m, "concept_id")
    m["key"] = [c if c else "text:" + t.lower() for c, t in zip(cid, text, strict=True)]
    cname = str_col(m, "concept_name")
    m["name"] = [n if n else t.lower() for n, t in zip(cname, text, strict=True)]
    m["negated_b"] = bool_col(m, "negated")
    return m


def top_concepts(mentions: pd.DataFrame, label: str, n: int) -> pd.DataFrame:
    """Top `n` concepts of one label by documents mentioning them.

    Columns: key, concept_id (None for text keys), name, documents, documents_asserted (without
    negated mentions), mentions, forms (most common surface forms).
    """
    import pandas as pd

    cols = ["key", "concept_id", "name", "documents", "documents_asserted", "mentions", "forms"]
    m = concept_keys(mentions)
    m = m[str_col(m, "label") == label]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m = m.assign(doc=str_col(m, "doc_id"), form=str_col(m, "text").fillna(""))
    rows = []
    for key, g in m.groupby("key", sort=False):
        names = g["name"].value_counts()
        forms = g["form"].value_counts()
        rows.append(
            {
                "key": key,
                "concept_id": None if str(key).startswith("text:") else key,
                "name": names.index[0],
                "documents": g["doc"].nunique(),
                "documents_asserted": g.loc[~g["negated_b"], "doc"].nunique(),
                "mentions": len(g),
                "forms": list(forms.index[:4]),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["documents", "mentions", "name"], ascending=[False, False, True])
    return out.head(n).reset_index(drop=True)


def co_mentions(mentions: pd.DataFrame, n: int) -> pd.DataFrame:
    """Drug x disease pairs by documents where both are mentioned (negated mentions left out).

    Columns: drug_key, drug, disease_key, disease, documents, examples (up to 3 doc_ids).
    """
    import pandas as pd

    cols = ["drug_key", "drug", "disease_key", "disease", "documents", "examples"]
    m = concept_keys(mentions)
    m = m[~m["negated_b"]].assign(doc=str_col(m, "doc_id"), lab=str_col(m, "label"))
    names = m.groupby("key")["name"].agg(lambda s: s.value_counts().index[0]).to_dict()
    drugs = m.loc[m["lab"] == DRUG, ["doc", "key"]].drop_duplicates()
    diseases = m.loc[m["lab"] == DISEASE, ["doc", "key"]].drop_duplicates()
    if drugs.empty or diseases.empty:
        return pd.DataFrame(columns=cols)
    pairs = drugs.merge(diseases, on="doc", suffixes=("_drug", "_disease"))
    grouped = pairs.groupby(["key_drug", "key_disease"])["doc"]
    agg = grouped.agg(documents="nunique", examples=lambda s: sorted(set(s))[:3]).reset_index()
    agg["drug"] = agg["key_drug"].map(names)
    agg["disease"] = agg["key_disease"].map(names)
    agg = agg.rename(columns={"key_drug": "drug_key", "key_disease": "disease_key"})
    agg = agg.sort_values(["documents", "drug", "disease"], ascending=[False, True, True])
    return agg[cols].head(n).reset_index(drop=True)


def outcomes_with_evidence(outcomes: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Outcomes joined to their sentence (doc_id + sent_idx): adds sentence_text, sentence_start."""
    import pandas as pd

    sent = pd.DataFrame(
        {
            "doc_id": str_col(sentences, "doc_id"),
            "sent_idx": sentences["sent_idx"].astype("Int64") if "sent_idx" in sentences
            else pd.Series(dtype="Int64"),
            "sentence_text": str_col(sentences, "text"),
            "sentence_start": sentences["start_char"].astype("Int64")
            if "start_char" in sentences else pd.Series(dtype="Int64"),
        }
    )
    o = outcomes.copy()
    o["doc_id"] = str_col(o, "doc_id")
    o["sent_idx"] = o["sent_idx"].astype("Int64")
    return o.merge(sent, on=["doc_id", "sent_idx"], how="left")



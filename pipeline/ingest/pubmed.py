"""PubMed / MEDLINE XML (`PubmedArticleSet`, as in the annual baseline), gzipped or not.

Streamed with lxml iterparse in safe mode (common.iter_elements: no entities, no DTD, no
network); memory stays flat whatever the file size. Layout of the text (so the sections
splitter sees headings):

    <ArticleTitle>
    BACKGROUND: <AbstractText Label="BACKGROUND">
    METHODS: <AbstractText Label="METHODS">
    ...

An unlabelled abstract is one line after the title. Inline markup (<i>, <sup>, <b>, ...) is
flattened to its text. meta: pmid, journal, journal_iso, year, doi, pmc, mesh [{ui, name,
major, qualifiers}], keywords, publication_types, languages, abstract_sections
[{label, nlm_category, start, end}] (offsets into the text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.documents import Document, ErrorRecord, normalize_text
from pipeline.ingest.common import XmlFailure, err, iter_elements, text_of

RECORD_TAGS = {"PubmedArticle", "PubmedBookArticle"}
_WS = re.compile(r"\s+")


def _clean(s: str) -> str:
    return _WS.sub(" ", normalize_text(s)).strip()


def _year(article: Any) -> int | None:
    candidates = [
        article.find(".//Journal/JournalIssue/PubDate/Year"),
        article.find(".//Journal/JournalIssue/PubDate/MedlineDate"),
        article.find(".//ArticleDate/Year"),
        article.find(".//Book/PubDate/Year"),
        article.find(".//PubDate/Year"),
    ]
    for c in candidates:
        if c is not None and c.text:
            m = re.search(r"\d{4}", c.text)
            if m:
                return int(m.group(0))
    return None


def _doi(rec: Any) -> str | None:
    for aid in rec.iterfind(".//PubmedData/ArticleIdList/ArticleId"):
        if aid.get("IdType") == "doi" and aid.text:
            return aid.text.strip()
    for eloc in rec.iterfind(".//ELocationID"):
        if eloc.get("EIdType") == "doi" and eloc.text:
            return eloc.text.strip()
    return None


def _article_id(rec: Any, kind: str) -> str | None:
    for aid in rec.iterfind(".//PubmedData/ArticleIdList/ArticleId"):
        if aid.get("IdType") == kind and aid.text:
            return aid.text.strip()
    return None


def build_document(rec: Any, source: str, index: int) -> Document | ErrorRecord:
    loc = f"record {index + 1}"
    pmid_el = rec.find("./MedlineCitation/PMID")
    if pmid_el is None:
        pmid_el = rec.find(".//PMID")
    pmid = (pmid_el.text or "").strip() if pmid_el is not None else ""
    if not pmid:
        return err(source, "missing_id", "PubMed record without a PMID; skipped", loc)
    title_el = rec.find(".//ArticleTitle")
    if title_el is None:
        title_el = rec.find(".//BookTitle")
    title = _clean(text_of(title_el))
    parts: list[str] = [title]
    sections: list[dict[str, Any]] = []
    pos = len(title) + 1
    abstract = rec.find(".//Abstract")
    if abstract is not None:
        for at in abstract.iterfind("AbstractText"):
            body = _clean(text_of(at))
            if not body:
                continue
            label = (at.get("Label") or "").strip()
            line = f"{label}: {body}" if label else body
            sections.append({"label": label or None, "nlm_category": at.get("NlmCategory"),
                             "start": pos, "end": pos + len(line)})
            parts.append(line)
            pos += len(line) + 1
    if not title and not sections:
        return err(source, "empty_document",
                   f"PubMed record {pmid} has neither a title nor abstract text; skipped",
                   loc, pmid)
    text = "\n".join(parts)
    journal = rec.find(".//Journal")
    mesh: list[dict[str, Any]] = []
    for mh in rec.iterfind(".//MeshHeadingList/MeshHeading"):
        d = mh.find("DescriptorName")
        if d is None:
            continue
        mesh.append({
            "ui": d.get("UI"),
            "name": _clean(text_of(d)),
            "major": d.get("MajorTopicYN") == "Y",
            "qualifiers": [{"ui": q.get("UI"), "name": _clean(text_of(q)),
                            "major": q.get("MajorTopicYN") == "Y"}
                           for q in mh.iterfind("QualifierName")],
        })
    meta: dict[str, Any] = {
        "pmid": pmid,
        "journal": _clean(text_of(journal.find("Title"))) or None if journal is not None else None,
        "journal_iso": _clean(text_of(journal.find("ISOAbbreviation"))) or None
        if journal is not None else None,
        "year": _year(rec),
        "doi": _doi(rec),
        "pmc": _article_id(rec, "pmc"),
        "mesh": mesh,
        "keywords": [_clean(text_of(k)) for k in rec.iterfind(".//KeywordList/Keyword")],
        "publication_types": [_clean(text_of(p))
                              for p in rec.iterfind(".//PublicationTypeList/PublicationType")],
        "languages": [(lang.text or "").strip() for lang in rec.iterfind(".//Article/Language")],
        "abstract_sections": sections,
        "has_abstract": bool(sections),
    }
    chems = []
    for c in rec.iterfind(".//ChemicalList/Chemical"):
        sub = c.find("NameOfSubstance")
        if sub is not None:
            chems.append({"ui": sub.get("UI"), "name": _clean(text_of(sub))})
    if chems:
        meta["chemicals"] = chems
    return Document(doc_id=pmid, text=text, source=source, format="pubmed",
                    title=title or None, meta=meta, location=loc)


def read_pubmed(
    path: Path, source: str, start: int = 0, n_records: int | None = None
) -> Iterator[Document | ErrorRecord]:
    """Articles in file order; `start`/`n_records` (0-based record indices) select a block."""
    end = None if n_records is None else start + n_records
    index = -1
    try:
        for elem in iter_elements(path, source, RECORD_TAGS):
            index += 1
            if index < start:
                continue
            if end is not None and index >= end:
                return
            yield build_document(elem, source, index)
    except XmlFailure as exc:
        if end is None or index + 1 < end:
            yield exc.record
        return
    if index < 0 and start == 0:
        yield err(source, "no_records", "no <PubmedArticle> records found in the file")

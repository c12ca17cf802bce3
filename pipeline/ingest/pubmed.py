"""PubMed / MEDLINE XML as NLM distributes it, gzipped or not:

* `PubmedArticleSet` (the current annual baseline and daily update files, efetch output) of
  `PubmedArticle` and `PubmedBookArticle` records, and `DeleteCitation` lists;
* `MedlineCitationSet` (the older MEDLINE baselines, e.g. 2016's medline16n*.xml) of
  `MedlineCitation` records and `DeleteCitation` lists;
* a file holding one `PubmedArticle` / `PubmedBookArticle` / `MedlineCitation` as its root.
A DOCTYPE naming the NLM DTD by URL is accepted and never fetched.

Read one record at a time (`xmlrecords.iter_xml_records`: safe lxml, no entities, no DTD, no
network; damage costs exactly the damaged record); memory stays flat whatever the file size.
Every citation is a Document whose doc_id is its PMID. A `DeleteCitation` is not a document: it
becomes a `Notice` (error "deleted_citations", `ids` = the PMIDs it lists) for the manifest.
Layout of the text (so the sections splitter sees headings):

    <ArticleTitle>
    BACKGROUND: <AbstractText Label="BACKGROUND">
    METHODS: <AbstractText Label="METHODS">
    ...

An unlabelled abstract is one line after the title. Inline markup (<i>, <sup>, <b>, ...) is
flattened to its text. meta: pmid, journal, journal_iso, year, doi, pmc, mesh [{ui, name,
major, qualifiers}], keywords, publication_types, languages, abstract_sections
[{label, nlm_category, start, end}] (offsets into the text), chemicals; book (BookTitle) for a
PubmedBookArticle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.documents import Document, ErrorRecord, Notice, normalize_text
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    STAGE,
    err,
    text_of,
)
from pipeline.ingest.xmlrecords import XmlRecord, iter_xml_records
from pipeline.plural import plural

PUBMED_RECORDS = {"PubmedArticle", "PubmedBookArticle", "DeleteCitation"}
MEDLINE_RECORDS = {"MedlineCitation", "DeleteCitation"}
# root element -> the elements that are records under it
ROOTS = {
    "PubmedArticleSet": PUBMED_RECORDS,
    "PubmedBookArticleSet": PUBMED_RECORDS,
    "PubmedArticle": PUBMED_RECORDS,
    "PubmedBookArticle": PUBMED_RECORDS,
    "MedlineCitationSet": MEDLINE_RECORDS,
    "MedlineCitation": MEDLINE_RECORDS,
}
_WS = re.compile(r"\s+")
# (a namespace prefix allowed: <pm:PMID>)
_PMID_BYTES = re.compile(rb"<(?:[\w.-]+:)?PMID\b[^<>]*>\s*([^<\s]+)")


def _pmid_of(data: bytes) -> str | None:
    """The first PMID in (possibly damaged) record bytes, for error rows. (A tag's attributes
    hold no "<": with `[^>]*` the search ran from each "<PMID" to the next ">", and a damaged
    record of 1 MB of "<PMID" took a minute, 32 MiB hours.)"""
    m = _PMID_BYTES.search(data)
    return m.group(1).decode("utf-8", "replace") if m else None


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
    pmid_el = None
    for where in ("./MedlineCitation/PMID", "./BookDocument/PMID", "./PMID", ".//PMID"):
        pmid_el = rec.find(where)
        if pmid_el is not None:
            break
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
    book = rec.find("./BookDocument/Book/BookTitle")
    if book is not None:
        meta["book"] = _clean(text_of(book)) or None
    chems = []
    for c in rec.iterfind(".//ChemicalList/Chemical"):
        sub = c.find("NameOfSubstance")
        if sub is not None:
            chems.append({"ui": sub.get("UI"), "name": _clean(text_of(sub))})
    if chems:
        meta["chemicals"] = chems
    return Document(doc_id=pmid, text=text, source=source, format="pubmed",
                    title=title or None, meta=meta, location=loc)


def _deleted(rec: Any, source: str, index: int, line: int) -> Notice:
    pmids = tuple((p.text or "").strip() for p in rec.iterfind("PMID") if (p.text or "").strip())
    shown = ", ".join(pmids[:10]) + (" ..." if len(pmids) > 10 else "")
    return Notice(source=source, stage=STAGE, error="deleted_citations",
                  message=f"<DeleteCitation> lists {plural(len(pmids), 'PMID')} NLM deleted: "
                          f"{shown}",
                  location=f"line {line}, record {index + 1}", ids=pmids)


def read_pubmed(
    path: Path, source: str, start: int = 0, n_records: int | None = None, *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[Document | ErrorRecord]:
    """Records in file order; `start`/`n_records` (0-based record indices, DeleteCitation lists
    and damaged records counted) select a block."""
    end = None if n_records is None else start + n_records
    seen = False
    for item in iter_xml_records(path, source, ROOTS.get, _pmid_of, start, end,
                                 max_bytes=max_bytes, max_record_bytes=max_record_bytes):
        seen = True
        if not isinstance(item, XmlRecord):
            yield item
        elif item.elem.tag == "DeleteCitation":
            yield _deleted(item.elem, source, item.index, item.line)
        else:
            where = f"line {item.line}, record {item.index + 1}"
            try:
                doc = build_document(item.elem, source, item.index)
            except (ValueError, TypeError, AttributeError) as exc:
                doc = err(source, "bad_record", f"PubMed record could not be read: {exc!r}",
                          where)
            # the record's first line too, for a document and for its error rows
            # (missing_id, empty_document), as every other row of an XML record gives it
            yield replace(doc, location=where)
    if not seen and start == 0:
        yield err(source, "no_records", "no <PubmedArticle>, <PubmedBookArticle> or "
                  "<MedlineCitation> records found in the file")

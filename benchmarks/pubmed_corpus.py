"""A PubMed-shaped corpus from real abstracts, and the arithmetic of a whole-PubMed run.

Used by `benchmarks/run_speed.py --corpus pubmed` (not a test; needs ../shared/corpora).

Corpus: the title + abstract of every PubTator document of BC5CDR and NCBI-disease (train and
devel, each PMID once: 1,692 real PubMed abstracts), written as gzipped `PubmedArticleSet` files
shaped like the annual baseline's records (journal, 6 authors with affiliations, publication
types, MeSH headings, a chemical list, article ids and a reference list: the parts a baseline
record carries besides its text, which the reader must skip), `records_per_file` records per file
(500 in `run_speed.py`). `run_speed.py --scale N` repeats the abstracts N times under new PMIDs.

Estimate (`pubmed_hours`): the baseline's files are the unit of work (biotab reads one file in
one worker), so with W worker cores the run takes ceil(files / W) rounds of one file's time, plus
one worker start-up. One file's time = its citations x words per citation / words per second of
one worker, measured on this corpus with every core busy. It assumes every citation has an
abstract as long as these (the baseline's citations without an abstract cost their title only:
the figure is an upper bound) and workers that do not share a core. The driver's end of the
run (`end_s`: duplicates across units and the compaction of the units' files into parts, after
the last file; `end_seconds`) is added: it grows with the output, not with the cores.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

#: The annual PubMed baseline (2026): about 36 million citations in about 1,270 files.
BASELINE_CITATIONS = 36_000_000
BASELINE_FILES = 1_270
PUBTATOR_FILES = (
    "bc5cdr/train.pubtator",
    "bc5cdr/devel.pubtator",
    "ncbi-disease/train.pubtator",
    "ncbi-disease/devel.pubtator",
)

_RECORD = """<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM" IndexingMethod="Automated">
    <PMID Version="1">{pmid}</PMID>
    <DateCompleted><Year>2021</Year><Month>05</Month><Day>10</Day></DateCompleted>
    <DateRevised><Year>2023</Year><Month>11</Month><Day>02</Day></DateRevised>
    <Article PubModel="Print-Electronic">
      <Journal>
        <ISSN IssnType="Electronic">1600-0625</ISSN>
        <JournalIssue CitedMedium="Internet"><Volume>30</Volume><Issue>4</Issue>
          <PubDate><Year>2021</Year><Month>Apr</Month></PubDate></JournalIssue>
        <Title>Journal of clinical investigation</Title>
        <ISOAbbreviation>J Clin Invest</ISOAbbreviation>
      </Journal>
      <ArticleTitle>{title}</ArticleTitle>
      <Pagination><StartPage>512</StartPage><EndPage>518</EndPage><MedlinePgn>512-518</MedlinePgn></Pagination>
      <ELocationID EIdType="doi" ValidYN="Y">10.1000/jci.{pmid}</ELocationID>
      <Abstract><AbstractText>{abstract}</AbstractText></Abstract>
      <AuthorList CompleteYN="Y">{authors}</AuthorList>
      <Language>eng</Language>
      <PublicationTypeList>
        <PublicationType UI="D016428">Journal Article</PublicationType>
        <PublicationType UI="D013485">Research Support, Non-U.S. Gov't</PublicationType>
      </PublicationTypeList>
      <ArticleDate DateType="Electronic">
        <Year>2021</Year><Month>01</Month><Day>15</Day></ArticleDate>
    </Article>
    <MedlineJournalInfo><Country>United States</Country><MedlineTA>J Clin Invest</MedlineTA>
      <NlmUniqueID>7802877</NlmUniqueID><ISSNLinking>0021-9738</ISSNLinking></MedlineJournalInfo>
    <ChemicalList>
      <Chemical><RegistryNumber>0</RegistryNumber>
        <NameOfSubstance UI="D000305">Adrenal Cortex Hormones</NameOfSubstance></Chemical>
      <Chemical><RegistryNumber>R16CO5Y76E</RegistryNumber>
        <NameOfSubstance UI="D001241">Aspirin</NameOfSubstance></Chemical>
    </ChemicalList>
    <CitationSubset>IM</CitationSubset>
    <MeshHeadingList>{mesh}</MeshHeadingList>
  </MedlineCitation>
  <PubmedData>
    <History><PubMedPubDate PubStatus="pubmed">
      <Year>2021</Year><Month>1</Month><Day>16</Day></PubMedPubDate></History>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
      <ArticleId IdType="doi">10.1000/jci.{pmid}</ArticleId></ArticleIdList>
    <ReferenceList>{references}</ReferenceList>
  </PubmedData>
</PubmedArticle>
"""
_AUTHOR = (
    '<Author ValidYN="Y"><LastName>Author{i}</LastName><ForeName>Anna</ForeName>'
    "<Initials>A</Initials><AffiliationInfo><Affiliation>Department of Dermatology, University "
    "Hospital, Example City, Country.</Affiliation></AffiliationInfo></Author>"
)
_MESH = (
    '<MeshHeading><DescriptorName UI="D00{i:04d}" MajorTopicYN="N">Heading {i}</DescriptorName>'
    '<QualifierName UI="Q000627" MajorTopicYN="N">therapeutic use</QualifierName></MeshHeading>'
)
_REFERENCE = (
    "<Reference><Citation>Author A, Author B. A cited article title of usual length. "
    "J Example. 2019;12:34-56.</Citation><ArticleIdList><ArticleId IdType=\"pubmed\">"
    "{pmid}</ArticleId></ArticleIdList></Reference>"
)


@dataclass(frozen=True)
class Abstract:
    pmid: str
    title: str
    abstract: str

    @property
    def words(self) -> int:
        return len(self.title.split()) + len(self.abstract.split())


def real_abstracts(corpora: Path) -> list[Abstract]:
    """Title and abstract of every PubTator document of the corpora (first seen PMID wins),
    read with biotab's own PubTator reader (text = title + "\\n" + abstract)."""
    from pipeline.documents import Document
    from pipeline.ingest.pubtator import read_pubtator

    found: dict[str, Abstract] = {}
    for rel in PUBTATOR_FILES:
        path = corpora / rel
        if not path.exists():
            continue
        for doc in read_pubtator(path, str(path)):
            if isinstance(doc, Document) and doc.meta and doc.meta.get("has_abstract", True):
                title, _, abstract = doc.text.partition("\n")
                found.setdefault(doc.doc_id, Abstract(doc.doc_id, title, abstract))
    return list(found.values())


def _record(pmid: int, a: Abstract) -> str:
    return _RECORD.format(
        pmid=pmid,
        title=escape(a.title),
        abstract=escape(a.abstract),
        authors="".join(_AUTHOR.format(i=i) for i in range(6)),
        mesh="".join(_MESH.format(i=i) for i in range(12)),
        references="".join(_REFERENCE.format(pmid=30_000_000 + i) for i in range(25)),
    )


def write_pubmed_corpus(
    folder: Path, abstracts: list[Abstract], scale: int, records_per_file: int
) -> tuple[int, int, int]:
    """Gzipped baseline-shaped files under `folder`: (files, citations, words)."""
    folder.mkdir(parents=True, exist_ok=True)
    n_files = n_records = n_words = 0
    records = [(rep, a) for rep in range(scale) for a in abstracts]
    for start in range(0, len(records), records_per_file):
        chunk = records[start : start + records_per_file]
        path = folder / f"pubmed26n{n_files + 1:04d}.xml.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write('<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
            for rep, a in chunk:
                fh.write(_record(40_000_000 + rep * 1_000_000 + n_records, a))
                n_records += 1
                n_words += a.words
            fh.write("</PubmedArticleSet>\n")
        n_files += 1
    return n_files, n_records, n_words


@dataclass(frozen=True)
class Estimate:
    cores: int
    hours: float
    rounds: int


def pubmed_hours(
    cores: int,
    words_per_s_per_worker: float,
    words_per_citation: float,
    startup_s: float,
    citations: int = BASELINE_CITATIONS,
    files: int = BASELINE_FILES,
    end_s: float = 0.0,
) -> Estimate:
    """Hours for the baseline on `cores` worker cores (one file per worker at a time), plus
    the driver's `end_s` after the last file."""
    file_s = citations / files * words_per_citation / words_per_s_per_worker
    rounds = math.ceil(files / cores)
    return Estimate(cores, (startup_s + rounds * file_s + end_s) / 3600, rounds)


def end_seconds(measured_s: float, measured_bytes: float, total_bytes: float,
                threads: int) -> float:
    """The driver's end of a run of `total_bytes` of output with `threads` compaction threads,
    from a run that spent `measured_s` on it for `measured_bytes` with one thread: it rewrites
    every output byte once (the duplicate check, which reads only doc_ids, is counted in it)."""
    if measured_bytes <= 0:
        return 0.0
    return measured_s * total_bytes / measured_bytes / max(threads, 1)

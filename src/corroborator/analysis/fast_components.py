"""Faster stand-ins for two spaCy components of the parser pipeline, with identical output.

Profiling ``en_core_web_sm`` on 600-word news articles showed the attribute ruler (~15 ms per
article: its Matcher tries all 179 tag/lemma patterns at every token) and the rule lemmatizer
(~13 ms: Python work per token even on cache hits) costing as much as the dependency parser.
Both are thin layers over the model's own data, so these wrappers keep that data and spaCy's code
and only change how the work is looked up:

* ``IndexedAttributeRuler`` finds the single-token, equality-only patterns (most of them) by dict
  lookup on the token's (TAG, LOWER) values; every other pattern (sets, regexes, dependency labels,
  several tokens) still runs through a spaCy ``Matcher``. Matches are applied in the ruler's own
  order (pattern id), so later rules override earlier ones exactly as in spaCy.
* ``CachedLemmatizer`` asks spaCy's lemmatizer once per (word, POS, morphology), the same key
  spaCy's rule lemmatizer caches on, and afterwards only assigns the cached lemma id; the model's
  lemma index is held as sets, which the lemmatizer only tests for membership.

tests/test_fast_components.py checks token-for-token equality with the stock components.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# Token attributes the ruler's patterns may test in Python, and how to read them from a Token.
_READERS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}
_FIELDS = tuple(_READERS)
assert _FIELDS == ("TAG", "LOWER", "DEP", "IS_SPACE")  # the order _applications reads rows in
# Distinct token rows whose one-token matches are remembered (~200 bytes each).
_ROW_CACHE_SIZE = 200_000
# Attributes whose equality or IN values index the patterns, most selective first.
_INDEX_KEYS = ("LOWER", "TAG", "DEP", "IS_SPACE")

Test = Callable[[object], bool]


class IndexedAttributeRuler:
    """Applies an ``AttributeRuler``'s patterns with the same result, most of them by lookup.

    Fixed-length patterns over TAG/LOWER/DEP/IS_SPACE with equality, IN, NOT_IN or REGEX tests
    are checked in Python, found through their first token's LOWER, TAG, DEP or IS_SPACE value;
    any other pattern (operators, other attributes) is left to a spaCy Matcher.
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        # (attribute, value) of a first token -> patterns that may start there
        self.index: dict[tuple[str, object], list[_Pattern]] = {}
        self.unindexed: list[_Pattern] = []
        self.row_cache: dict[tuple, tuple[tuple[tuple[int, int], ...], tuple[_Pattern, ...]]] = {}
        self.matcher = Matcher(ruler.vocab, validate=False)
        for pattern_id, entry in enumerate(ruler.patterns):
            for alternative in entry["patterns"]:
                pattern = _Pattern.compile(pattern_id, alternative)
                if pattern is None:
                    self.matcher.add(str(pattern_id), [alternative])
                elif pattern.keys:
                    for key in pattern.keys:
                        self.index.setdefault(key, []).append(pattern)
                else:
                    self.unindexed.append(pattern)

    def __call__(self, doc: Doc) -> Doc:
        for pattern_id, token_index in sorted(self._applications(doc)):
            set_token_attrs(doc[token_index], self.ruler.attrs[pattern_id])
        return doc

    def _applications(self, doc: Doc) -> list[tuple[int, int]]:
        """(pattern id, token index) of every match, found on the unmodified doc as spaCy does."""
        # The row holds the _FIELDS values in their order (TAG, LOWER, DEP, IS_SPACE).
        rows = [(token.tag_, token.lower_, token.dep_, token.is_space) for token in doc]
        found: list[tuple[int, int]] = []
        cache = self.row_cache
        for start, row in enumerate(rows):
            single_hits, longer = cache.get(row) or self._by_row(row)
            for pattern_id, offset in single_hits:
                found.append((pattern_id, start + offset))
            for pattern in longer:
                if pattern.matches(rows, start):
                    found.append((pattern.id, start + self._offset(pattern.id, len(pattern.tests))))
        if not len(self.matcher):
            return found
        strings = doc.vocab.strings
        for match_id, start, end in self.matcher(doc, allow_missing=True):
            pattern_id = int(strings[match_id])
            found.append((pattern_id, start + self._offset(pattern_id, end - start)))
        return found

    def _by_row(self, row: tuple) -> tuple[tuple[tuple[int, int], ...], tuple[_Pattern, ...]]:
        """For a token's attribute row: the (pattern id, offset) of every one-token pattern it
        matches, and the longer patterns that may start at it (they also test later tokens).
        One-token tests read only the row, so the answer is kept per distinct row: a news
        article repeats most of its (tag, word, dependency) rows, and testing each pattern at
        every token was most of this component's time."""
        cached = self.row_cache.get(row)
        if cached is not None:
            return cached
        candidates = [pattern for field, value in zip(_FIELDS, row, strict=True)
                      for pattern in self.index.get((field, value), ())] + self.unindexed
        single_hits = tuple((pattern.id, self._offset(pattern.id, 1)) for pattern in candidates
                            if len(pattern.tests) == 1 and pattern.matches([row], 0))
        cached = (single_hits, tuple(p for p in candidates if len(p.tests) != 1))
        if len(self.row_cache) >= _ROW_CACHE_SIZE:
            self.row_cache.clear()  # bounded memory in a long-running process
        self.row_cache[row] = cached
        return cached

    def _offset(self, pattern_id: int, length: int) -> int:
        """The matched token the attributes go to, as spaCy's ``span[index]`` picks it."""
        index = self.ruler.indices[pattern_id]
        if not -length <= index < length:
            raise ValueError(f"attribute ruler pattern {pattern_id}: index {index} out of span")
        return index % length


class _Pattern:
    """A fixed-length token pattern compiled to one list of tests per token."""

    def __init__(self, pattern_id: int, tests: list[list[tuple[int, Test]]],
                 keys: list[tuple[str, object]]) -> None:
        self.id = pattern_id
        self.tests = tests
        self.keys = keys  # (attribute, value) pairs the first token must show one of; [] = any

    @classmethod
    def compile(cls, pattern_id: int, tokens: list[dict]) -> _Pattern | None:
        """None when the pattern uses anything beyond the supported attributes and tests."""
        tests: list[list[tuple[int, Test]]] = []
        for token in tokens:
            if not set(token) <= set(_READERS):
                return None
            token_tests = [(_FIELDS.index(attr), _test(value)) for attr, value in token.items()]
            if any(test is None for _, test in token_tests):
                return None
            tests.append(token_tests)
        return cls(pattern_id, tests, _index_keys(tokens[0]))

    def matches(self, rows: list[tuple], start: int) -> bool:
        if len(self.tests) == 1:  # the common case: one token, no offsets
            row = rows[start]
            return all(test(row[field]) for field, test in self.tests[0])
        if start + len(self.tests) > len(rows):
            return False
        return all(test(rows[start + offset][field])
                   for offset, token_tests in enumerate(self.tests)
                   for field, test in token_tests)


def _test(value: object) -> Test | None:
    """spaCy Matcher semantics for one attribute: equality, IN, NOT_IN or REGEX (re.search)."""
    if isinstance(value, (str, bool)):
        return lambda seen: seen == value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (operator, argument), = value.items()
    if operator == "IN":
        members = frozenset(argument)
        return lambda seen: seen in members
    if operator == "NOT_IN":
        excluded = frozenset(argument)
        return lambda seen: seen not in excluded
    if operator == "REGEX":
        search = re.compile(argument).search
        return lambda seen: isinstance(seen, str) and search(seen) is not None
    return None


def _index_keys(first: dict) -> list[tuple[str, object]]:
    """The index entries of a pattern: every value its first token's first
    indexable attribute (most selective first) may take."""
    for attr in _INDEX_KEYS:
        value = first.get(attr)
        if isinstance(value, (str, bool)):
            return [(attr, value)]
        if isinstance(value, dict) and set(value) == {"IN"}:
            return [(attr, member) for member in value["IN"]]
    return []


class CachedLemmatizer:
    """spaCy's rule lemmatizer, asked once per (orth, POS, morphology) key per process."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple[int, int, int], int] = {}
        _index_as_sets(lemmatizer)


    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        overwrite = self.lemmatizer.overwrite
        for token in doc:
            if token.lemma != 0 and not overwrite:
                continue  # set by the attribute ruler, which spaCy's lemmatizer also keeps
            key = (token.orth, token.pos, token.morph.key)
            lemma = self.cache.get(key)
            if lemma is None:
                lemma = self.cache[key] = strings.add(self.lemmatizer.lemmatize(token)[0])
            token.lemma = lemma
        return doc


def _index_as_sets(lemmatizer: Lemmatizer) -> None:
    """The model's ``lemma_index`` table loads each POS's known lemmas as a list, and spaCy's rule
    lemmatizer tests ``form in index`` for every candidate form: a scan of thousands of words per
    new token (~50 us). It only ever tests membership, so sets give the same answers."""
    if not lemmatizer.lookups.has_table("lemma_index"):
        return
    table = lemmatizer.lookups.get_table("lemma_index")
    for pos in list(table.keys()):
        table[pos] = frozenset(table[pos])


@Language.factory("corroborator_indexed_attribute_ruler")
def _make_indexed_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.get_pipe("attribute_ruler"))


@Language.factory("corroborator_cached_lemmatizer")
def _make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    return CachedLemmatizer(nlp.get_pipe("lemmatizer"))


def speed_up(nlp: Language) -> None:
    """Swap the pipeline's attribute ruler and rule lemmatizer for the stand-ins, in place (same
    names and positions). Each stand-in is built from the stock component, so it is added before
    the stock one is removed. A pipeline without them (another model) is left as it is."""
    swaps = []
    if isinstance(_pipe(nlp, "attribute_ruler"), AttributeRuler):
        swaps.append(("attribute_ruler", "corroborator_indexed_attribute_ruler"))
    lemmatizer = _pipe(nlp, "lemmatizer")
    if isinstance(lemmatizer, Lemmatizer) and lemmatizer.mode == "rule":
        swaps.append(("lemmatizer", "corroborator_cached_lemmatizer"))
    for name, factory in swaps:
        nlp.add_pipe(factory, name=f"{name}_fast", after=name)
        nlp.remove_pipe(name)
        nlp.rename_pipe(f"{name}_fast", name)


def _pipe(nlp: Language, name: str):
    return nlp.get_pipe(name) if name in nlp.pipe_names else None

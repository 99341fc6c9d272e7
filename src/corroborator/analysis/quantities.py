"""Counts and amounts: "more than 1,200 residents", "$2.3 billion", "dozens of people".

A left-to-right scan over tokens reads each number as written (digits, words, scale words), then
looks around it for a qualifier ("at least", "or more"), a range ("12 to 15"), a currency, a unit
word, or the noun it counts (the parse's ``nummod`` head, else the next noun). Numbers that are
not amounts are blocked first: dates, years, times, ordinals, phone numbers and numbers inside
names ("Route 66"). Words live in data/quantities.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..model import Qualifier, Quantity, TextSpan
from .dates import date_expression_spans
from .lexicon import load_lexicon
from .nlp import doc_text, token_lowers

_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([a-z]{0,3})$")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")
_PHONE = re.compile(
    r"(?<![\d,.])(?:\+\d{1,3}(?:[\s-]\d{2,5}){2,}|(?:\(\d{2,5}\)\s?)?\d{3,4}-\d{4}(?:-\d{1,4})?)"
    r"(?!\d)"
)
_TIME_WORDS = frozenset({"a.m.", "p.m.", "am", "pm", "gmt", "utc", "o'clock", "hrs"})
_NAME_LABELS = frozenset({"LAW", "FAC", "PRODUCT", "ORG", "WORK_OF_ART", "EVENT", "PERSON"})
_BLOCK_LABELS = frozenset({"TIME", "ORDINAL"})
_NOT_NAMES = frozenset({"January", "February", "March", "April", "May", "June", "July", "August",
                        "September", "October", "November", "December", "Monday", "Tuesday",
                        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
_MAX_NOUN_DISTANCE = 4  # tokens between a number and the noun it counts ("12 flood-hit homes")


@dataclass(frozen=True)
class _Number:
    start: int  # token index of the first token of the number as written
    end: int  # token index after its last token
    value: float


@dataclass
class _Reading:
    """One quantity as it is being read: token range, value, qualifier, unit."""
    start: int
    end: int
    value: float
    qualifier: Qualifier = "exact"
    high: float | None = None
    unit: str = ""


def extract_quantities(doc: Doc) -> list[Quantity]:
    """Every amount in ``doc`` with its counted noun and qualifier, in text order."""
    blocked = _blocked_tokens(doc)
    lowers = token_lowers(doc)
    found: list[Quantity] = []
    i = 0
    while i < len(doc):
        reading = _vague_at(doc, i) or (
            _quantity_at(doc, i, blocked) if _may_start_number(lowers[i]) else None
        )
        if reading is None:
            i += 1
            continue
        last = doc[reading.end - 1]
        # "£3m." at a sentence end is one token; the full stop is not part of the amount.
        end = _end(last) - (len(last.text) - len(_scale_word(last)))
        span = TextSpan.of(doc_text(doc), doc[reading.start].idx, end)
        found.append(Quantity(span, reading.value, reading.unit, reading.qualifier, reading.high))
        i = reading.end
    return found


# --- reading one quantity ---------------------------------------------------------------------

def _quantity_at(doc: Doc, i: int, blocked: set[int]) -> _Reading | None:
    number = _read_number(doc, i)
    if number is None or blocked.intersection(range(number.start, number.end)):
        return None
    reading = _Reading(number.start, number.end, number.value)
    _read_range(doc, reading, blocked)
    currency = _currency_before(doc, reading.start)
    if currency:
        reading.unit, reading.start = currency, reading.start - 1
    _read_qualifier_before(doc, reading)
    _read_qualifier_after(doc, reading)
    if not reading.unit:
        _read_unit(doc, reading)
    if not reading.unit and _DIGITS.match(doc[number.start].lower_) is None \
            and not _is_reached_figure(doc, reading.start):
        return None  # "one of them", "a dozen": a word number counts something or nothing
    return reading


def _is_reached_figure(doc: Doc, start: int) -> bool:
    """A bare number word that a count reached or was put at is a figure like "31" would be:
    "the death toll rose to seven", "police put the toll at twelve", "stood at nine" (not
    "rose to one of the highest")."""
    lex = _lexicon()["figure_verbs"]
    if start < 2 or doc[start - 1].lower_ not in ("to", "at"):
        return False
    if start + 1 < len(doc) and doc[start + 1].lower_ == "of":
        return False
    if doc[start - 1].lower_ == "to":
        return doc[start - 2].lemma_.lower() in lex["reached"]
    return any(t.lemma_.lower() in lex["put"] for t in doc[max(0, start - 6):start - 1])


def _may_start_number(lower: str) -> bool:
    """Whether ``_read_number`` can read a number at a token with this ``lower_`` (asked at
    every token first: most are words, and reading one builds several spaCy Tokens)."""
    return lower in ("a", "an") or _DIGITS.match(lower) is not None or (
        lower in _lexicon()["number_words"])


def _read_number(doc: Doc, i: int) -> _Number | None:
    """A number as written from token ``i``: "1,200", "1.5 million", "two hundred and fifty",
    "twenty-five", "a dozen", "2.3bn"."""
    lex = _lexicon()
    token = doc[i]
    money = bool(_currency_before(doc, i))
    if token.lower_ in ("a", "an") and i + 1 < len(doc) and doc[i + 1].lower_ == "dozen":
        return _Number(i, i + 2, 12.0)
    digits = _DIGITS.match(token.lower_)
    if digits:
        whole, fraction, suffix = digits.groups()
        if suffix and not _is_scale(suffix, money):
            return None  # "5th", "3D", "5m" (metres: not money)
        value = float(whole.replace(",", "") + (fraction or "")) * lex["scales"].get(suffix, 1)
        return _with_scales(doc, _Number(i, i + 1, value), money)
    if token.lower_ in lex["number_words"]:
        return _read_number_words(doc, i)
    return None


def _read_number_words(doc: Doc, i: int) -> _Number:
    words, scales = _lexicon()["number_words"], _lexicon()["scales"]
    total, current, j = 0.0, 0.0, i
    while j < len(doc):
        word = doc[j].lower_
        if word in words:
            current += words[word]
        elif word in scales and _is_scale(word, money=False):
            total, current = _apply_scale(total, current, scales[word])
        elif word in ("-", "and") and j + 1 < len(doc) and doc[j + 1].lower_ in words:
            pass  # "twenty-five", "two hundred and fifty"
        else:
            break
        j += 1
    return _Number(i, j, total + current)


def _with_scales(doc: Doc, number: _Number, money: bool) -> _Number:
    scales = _lexicon()["scales"]
    total, current, j = 0.0, number.value, number.end
    while j < len(doc) and _is_scale(_scale_word(doc[j]), money and _tight(doc, j)):
        total, current = _apply_scale(total, current, scales[_scale_word(doc[j])])
        j += 1
    return _Number(number.start, j, total + current)


def _is_scale(word: str, money: bool) -> bool:
    """Scale words, except that "m" and "k" scale only money: "$2m" but "5 m" (metres)."""
    return word in _lexicon()["scales"] and (len(word) > 1 or money)


def _scale_word(token: Token) -> str:
    """The token as a scale word: the tokenizer keeps "m." whole at a sentence end."""
    word = token.lower_
    return word[:-1] if word.endswith(".") and word[:-1] in _lexicon()["scales"] else word


def _apply_scale(total: float, current: float, scale: float) -> tuple[float, float]:
    if scale == 100:
        return total, (current or 1) * 100  # "two hundred" stays open: "two hundred thousand"
    return total + (current or 1) * scale, 0.0


def _read_range(doc: Doc, reading: _Reading, blocked: set[int]) -> None:
    """ "12 to 15", "12-15", "between 12 and 15" -> a range; "from 12 to 15" is a change."""
    j = reading.end
    if j + 1 >= len(doc):
        return
    link, before = doc[j].lower_, doc[reading.start - 1].lower_ if reading.start else ""
    linked = (link == "to" and before != "from") or (link == "and" and before == "between") \
        or (link == "-" and _tight(doc, j) and _tight(doc, j + 1))
    high = _read_number(doc, j + 1) if linked else None
    if high is None or high.value <= reading.value or blocked & set(range(high.start, high.end)):
        return
    reading.qualifier, reading.high, reading.end = "range", high.value, high.end
    if before == "between":
        reading.start -= 1


def _currency_before(doc: Doc, i: int) -> str:
    return _lexicon()["currency_symbols"].get(doc[i - 1].lower_, "") if i > 0 else ""


def _read_qualifier_before(doc: Doc, reading: _Reading) -> None:
    if reading.qualifier == "range":
        return
    found = _qualifier_before(doc, reading.start)
    if found is not None:
        length, reading.qualifier = found
        reading.start -= length


def _qualifier_before(doc: Doc, end: int) -> tuple[int, Qualifier] | None:
    """The qualifier phrase ("more than") whose last token is just before token ``end``, as
    (its length in tokens, its qualifier); None when there is none. Longest phrase first."""
    for phrase, qualifier in _phrases("qualifiers_before"):
        n = len(phrase)
        if end >= n and _lowers(doc, end - n, end) == phrase:
            return n, qualifier
    return None


def _read_qualifier_after(doc: Doc, reading: _Reading) -> None:
    for phrase, qualifier in _phrases("qualifiers_after"):
        if _lowers(doc, reading.end, reading.end + len(phrase)) == phrase:
            if reading.qualifier == "exact":
                reading.qualifier = qualifier
            reading.end += len(phrase)
            return


def _read_unit(doc: Doc, reading: _Reading) -> None:
    """A unit word right after the number ("40 percent"), a hyphenated one ("a 5-km stretch"),
    else the noun it counts."""
    end = reading.end
    if end + 1 < len(doc) and doc[end].text == "-" and _tight(doc, end) and doc[end + 1].is_alpha:
        reading.unit, reading.end = normalise_unit(doc[end + 1]), end + 2
        return
    for phrase, unit in _phrases("units"):
        if _lowers(doc, reading.end, reading.end + len(phrase)) == phrase:
            reading.unit, reading.end = unit, reading.end + len(phrase)
            return
    noun = _counted_noun(doc, reading)
    if noun is not None:
        reading.unit, reading.end = normalise_unit(noun), noun.i + 1


def _counted_noun(doc: Doc, reading: _Reading) -> Token | None:
    """The noun a number modifies (``nummod`` head after it), else the next noun nearby."""
    for token in doc[reading.start:reading.end]:
        head = token.head
        if token.dep_ == "nummod" and head.pos_ in ("NOUN", "PROPN") and \
                reading.end <= head.i < reading.end + _MAX_NOUN_DISTANCE:
            return head
    for token in doc[reading.end:reading.end + _MAX_NOUN_DISTANCE]:
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound":
            return token
        if token.pos_ not in ("ADJ", "NOUN", "PROPN", "DET") and token.tag_ != "HYPH":
            return None  # a verb, preposition or punctuation ends the noun phrase
    return None


def normalise_unit(noun: Token) -> str:
    """The plural, lower-case name of a counted noun: "resident" -> "residents",
    "person" -> "people"; unit words ("dollars") and synonyms ("individuals") mapped."""
    lex = _lexicon()
    lower = noun.lower_
    if lower in lex["units"]:
        return lex["units"][lower]
    plural = lower if noun.tag_ in ("NNS", "NNPS") else _pluralise(noun.lemma_.lower())
    return lex["unit_synonyms"].get(plural, plural)


def _pluralise(word: str) -> str:
    irregular = _lexicon()["irregular_plurals"]
    if word in irregular:
        return irregular[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _vague_at(doc: Doc, i: int) -> _Reading | None:
    """ "dozens of people", "tens of thousands of residents": a vague amount with bounds."""
    if token_lowers(doc)[i] not in _vague_first_words():
        return None  # asked at every token: most start no vague phrase
    for phrase, (low, high) in _phrases("vague"):
        end = i + len(phrase)
        if _lowers(doc, i, end) != phrase or doc[end - 1].tag_ != "NNS":
            continue
        if i > 0 and _read_number(doc, i - 1) is not None:
            return None  # "five thousands" is a number, not a vague amount
        reading = _Reading(i, end, float(low), "vague", float(high))
        if end < len(doc) and doc[end].lower_ == "of":
            noun = _counted_noun(doc, _Reading(i, end + 1, 0.0))
            if noun is not None:
                reading.unit, reading.end = normalise_unit(noun), noun.i + 1
        return reading
    return None


# --- what is not an amount --------------------------------------------------------------------

def _blocked_tokens(doc: Doc) -> set[int]:
    """Indices of number tokens that belong to dates, times, ordinals, phones or names."""
    text = doc_text(doc)
    char_ranges = date_expression_spans(text)
    char_ranges += [(m.start(), m.end()) for m in _PHONE.finditer(text)]
    blocked: set[int] = set()
    for ent in doc.ents:
        if ent.label_ == "DATE" and _is_calendar_date(ent):
            blocked.update(set(range(ent.start, ent.end)) - _duration_numbers(ent))
        elif ent.label_ in _BLOCK_LABELS or \
                (ent.label_ in _NAME_LABELS and any(t.is_title and t.is_alpha for t in ent)):
            blocked.update(range(ent.start, ent.end))
    lowers = token_lowers(doc)
    for t in doc:  # one pass: each test below used to walk the whole doc
        if char_ranges and any(t.idx < e and s < _end(t) for s, e in char_ranges):
            blocked.add(t.i)
        if _may_not_be_an_amount(t, lowers) and _is_not_an_amount(t):
            blocked.add(t.i)
        if lowers[t.i] == "-" and _is_score(t):
            blocked.update((t.i - 1, t.i + 1))
    return blocked


def _is_score(hyphen: Token) -> bool:
    """ "won 2-1", "drew 3-3": a tight "a-b" that cannot be a range (b is not above a)."""
    doc, i = hyphen.doc, hyphen.i
    if hyphen.text != "-" or i == 0 or i + 1 >= len(doc):
        return False
    if not (_tight(doc, i) and _tight(doc, i + 1)):
        return False
    left, right = doc[i - 1].text, doc[i + 1].text
    return left.isdigit() and right.isdigit() and int(right) <= int(left)


def _is_calendar_date(ent) -> bool:
    """spaCy calls "between 12" a DATE too; only block DATE entities with a calendar word
    ("12 days", "the 1990s") or a year."""
    qualifier_words = {w for phrase, _ in _phrases("qualifiers_before") for w in phrase}
    return any(
        _YEAR.match(t.text) or (t.is_alpha and not t.like_num and t.lower_ not in qualifier_words
                                and t.lower_ not in ("between", "and", "to"))
        for t in ent
    )


def _may_not_be_an_amount(token: Token, lowers: list[str]) -> bool:
    """A cheap necessary condition of ``_is_not_an_amount`` (each of its tests needs a colon, a
    leading digit, a time word after, or a number-like token)."""
    lower = lowers[token.i]
    following = lowers[token.i + 1] if token.i + 1 < len(lowers) else ""
    return (":" in lower or lower[:1].isdigit() or following in _TIME_WORDS
            or token.like_num)


@lru_cache(maxsize=1)
def duration_units() -> frozenset[str]:
    """Unit words of lengths of time ("years", "days"): a quantity in one is a duration."""
    return frozenset(_lexicon()["durations"]["units"])


def _duration_numbers(ent) -> set[int]:
    """Number tokens of a DATE entity that measure a length of time, which is an amount:
    "jailed for seven years (yesterday)", "more than 20 years of experience", "a 12-day strike"
    can agree or conflict like any count. A point in time is not: "two years ago", "a
    54-year-old", "the past five years", "in three weeks"."""
    lex = _lexicon()["durations"]
    doc, found = ent.doc, set()
    for unit in ent:
        if unit.lower_ not in duration_units():
            continue
        i = unit.i - 1
        if i >= ent.start and doc[i].text == "-":
            i -= 1  # "12-day"
        numbers = []
        while i >= ent.start and _is_number_word(doc[i]):
            numbers.append(i)
            i -= 1
        qualifier = _qualifier_before(doc, i + 1)  # "more than 20 years": the word before it
        i -= qualifier[0] if qualifier else 0
        j = unit.i + 2 if unit.i + 1 < len(doc) and doc[unit.i + 1].text == "-" else unit.i + 1
        after = doc[j].lower_ if j < len(doc) else ""  # "54-year-old"
        before = doc[i].lower_ if i >= 0 else ""
        if numbers and before not in lex["not_before"] and after not in lex["not_after"]:
            # every number of the entity up to the unit: "between 12 and 15 days" is a range
            found.update(t.i for t in doc[ent.start:unit.i] if _is_number_word(t))
    return found


def _is_number_word(token: Token) -> bool:
    return token.text.replace(",", "").isdigit() or token.lower_ in _lexicon()["number_words"]


def _is_not_an_amount(token: Token) -> bool:
    text, doc = token.text, token.doc
    if ":" in text or _ORDINAL.match(text.lower()):
        return True
    following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    if following in _TIME_WORDS:
        return True
    if _YEAR.match(text) and not (token.dep_ == "nummod" and token.head.tag_ == "NNS"
                                  and token.head.i > token.i):
        return True  # "in 2024"; but "2024 residents" (rare: usually "2,024") is a count
    before = doc[token.i - 1] if token.i > 0 else None
    return bool(before is not None and before.pos_ == "PROPN" and before.is_title
                and before.text not in _NOT_NAMES and token.like_num
                and not (token.dep_ == "nummod" and token.head.i > token.i))  # "Gate 3"


# --- small helpers ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return load_lexicon("quantities")


@lru_cache(maxsize=8)
def _phrases(section: str) -> tuple[tuple[tuple[str, ...], object], ...]:
    """A lexicon section as (token tuple, value) pairs, longest phrase first."""
    pairs = ((tuple(_split(key)), value) for key, value in _lexicon()[section].items())
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _split(phrase: str) -> list[str]:
    return phrase.lower().split()


def _lowers(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    if start < 0 or end > len(doc):
        return ()
    return tuple(token_lowers(doc)[start:end])


@lru_cache(maxsize=1)
def _vague_first_words() -> frozenset[str]:
    return frozenset(phrase[0] for phrase, _ in _phrases("vague"))


def _tight(doc: Doc, i: int) -> bool:
    """Token ``i`` touches the previous token (no whitespace between): "12-15", "$2 m"."""
    return i > 0 and not doc[i - 1].whitespace_


def _end(token: Token) -> int:
    return token.idx + len(token.text)

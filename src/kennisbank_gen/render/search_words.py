"""The words of the search index as Pagefind reads them, and the word forms a page is indexed
with besides its own.

Pagefind (`force_language: nl`) stems every word with Snowball's Dutch stemmer and matches a query
word to the indexed words that begin with its stem. Two things teachers type fall through that:

- a part of a Dutch compound: "psychologen" is no beginning of "studentpsychologen";
- an inflection the stemmer keeps apart: "mentor" -> "mentor" but "mentoren" -> "mentoor",
  "examen" -> "exaam" but "examens" -> "examen", so "mentor" never finds "mentoren".

`Lexicon.extra_forms` gives a page, for the index only (the metadata field `woordvormen` of
`templates/_pagefind.md.j2`), the parts of its compounds and those inflections of its words,
taken from the site's own words, with the same stemmer (the `snowballstemmer` package, from the
same Snowball algorithms as Pagefind's). The words themselves are also what the browser's query
handling (assets/kennisbank-query.js) may hand Pagefind, with the same rules for compounds and
inflections.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

from snowballstemmer import stemmer
from stop_words import get_stop_words

#: the Dutch words a query can leave out; never a part of a compound
STOPWORDS = frozenset(get_stop_words("dutch"))
#: the shortest part of a compound: "in", "ten", "de" never count as one
MIN_PART = 4
#: what Dutch puts between the parts of a compound (tussen-s, tussen-e, tussen-en)
LINKS = ("", "s", "e", "en")
#: a web address or a link's target in Markdown text: the page shows the label, not these
_ADDRESS = re.compile(r"(?:https?|mailto):[^\s)>\]]+|\]\([^)\s]*\)")
_NOT_A_LETTER = re.compile(r"[\W_]+")
_LETTERS = re.compile(r"[^\W_]+")


@functools.cache
def stem(word: str) -> str:
    """The word as Pagefind's Dutch index holds it."""
    return _STEMMER.stemWord(word)


_STEMMER = stemmer("dutch")


def words_of(text: str) -> set[str]:
    """The words of `text` as Pagefind indexes them: lowercase, each whitespace-separated token
    without its punctuation ("burn-out" -> "burnout"), and the pieces the punctuation separates
    ("burn", "out"); sorted out once per distinct token."""
    tokens = set(_ADDRESS.sub(" ", text).casefold().split())
    words = {_NOT_A_LETTER.sub("", token) for token in tokens}
    for token in tokens:
        if _NOT_A_LETTER.search(token):
            words.update(_LETTERS.findall(token))
    return {w for w in words if len(w) >= 2}


class Lexicon:
    """The site's words: which are inflections of which, and which compounds of which."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(words)
        self.sorted = sorted(self.words)
        self._forms: dict[str, tuple[str, ...]] = {}  # word -> its extra forms (extra_forms)

    def beginning_with(self, start: str) -> list[str]:
        first = bisect.bisect_left(self.sorted, start)
        last = bisect.bisect_left(self.sorted, start + "\U0010ffff")
        return self.sorted[first:last]

    def inflections(self, word: str) -> list[str]:
        """The other words that share all but the last three letters of `word` (at least four)
        and have at most four letters more after what they share: "mentor" -> "mentoren"."""
        least = max(MIN_PART, len(word) - 3)
        if len(word) < least:
            return []
        found = []
        for other in self.beginning_with(word[:least]):
            shared = least
            while shared < min(len(word), len(other)) and other[shared] == word[shared]:
                shared += 1
            if other != word and len(other) - shared <= 4:
                found.append(other)
        return found

    def part(self, word: str) -> bool:
        return len(word) >= MIN_PART and word in self.words and word not in STOPWORDS

    def compound(self, word: str, depth: int = 0) -> list[str] | None:
        """The parts of a Dutch compound, each a word of the site (no stopword, at least four
        letters), with a linking s, e or en between them; the longest first part wins.
        "studentpsychologen" -> ["student", "psychologen"]; None when no split covers it."""
        if depth > 2:
            return None
        for end in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            if not self.part(head := word[:end]):
                continue
            for link in LINKS:
                if not word.startswith(link, end):
                    continue
                rest = word[end + len(link) :]
                if self.part(rest):
                    return [head, rest]
                if more := self.compound(rest, depth + 1):
                    return [head, *more]
        return None

    def kept_apart(self, word: str) -> list[str]:
        """The inflections of `word` that a search for them would not find it by: the stemmer
        gives them stems that differ from its own only in a lengthened vowel or a short ending
        ("mentoren": "mentoor", "mentor": "mentor"), and its stem does not begin with theirs."""
        if word in STOPWORDS or len(word) < MIN_PART:
            return []
        own = _short_vowels(stem(word))
        found = []
        for other in self.inflections(word):
            theirs = _short_vowels(stem(other))
            shorter, longer = sorted((own, theirs), key=len)
            if (
                other not in STOPWORDS
                and longer.startswith(shorter)
                and len(longer) - len(shorter) <= 2
                and not stem(word).startswith(stem(other))
            ):
                found.append(other)
        return found

    def extra_forms(self, text: str) -> list[str]:
        """The words a page with this text is indexed with besides its own: the parts of its
        compounds, and the inflections of its words (and parts) that the stemmer keeps apart."""
        own = words_of(text)
        extra = set().union(*map(self._extra, own))
        return sorted(extra - own)

    def _extra(self, word: str) -> tuple[str, ...]:
        """One word's parts and kept-apart inflections (and theirs), worked out once per site."""
        if word not in self._forms:
            if len(word) < MIN_PART or not word.isalpha():  # "in", "2023", "covid19": none
                return ()
            parts = (len(word) >= 2 * MIN_PART and self.compound(word)) or []
            forms = {*parts, *self.kept_apart(word)}
            for part in parts:
                forms.update(self.kept_apart(part))
            self._forms[word] = tuple(forms)
        return self._forms[word]


def _short_vowels(word: str) -> str:
    """A stem with its doubled vowels single: Snowball lengthens the vowel of an open syllable."""
    return re.sub(r"([aeiou])\1", r"\1", word)

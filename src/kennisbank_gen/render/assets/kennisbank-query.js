/* Kennisbank search: what a query's words mean before Pagefind sees them, and what to show when
 * no page has all of them. An ES module; kennisbank-search.js imports it on the first search.
 *
 * Pagefind stems each query word and matches every indexed word that begins with the stem; a
 * word that nothing begins with it silently replaces by the longest indexed word that the query
 * word begins with ("intimidatie" -> "in", "tentamenstress" -> "ten"). So this module hands
 * Pagefind only words of the site's word list (assets/kennisbank-words.json, written by
 * `kennisbank build`: every word the index holds, the vocabulary's search terms included):
 *   - a word of the list, or the beginning of one (still typing): as typed;
 *   - an inflection of a word of the list ("psycholoog" for "psychologen"): that word;
 *   - a Dutch compound of words of the list ("examenstress"): its parts ("examen stress");
 *   - anything else is left out, and "Bedoelde je ...?" offers the closest word of the list.
 * Dutch stopwords are left out, unless the query has nothing else. A word of a theme's, kind's or
 * sector's label or search terms (the list's `tags`) also finds every initiative tagged with that
 * term: "the word, or that tag" (`Words.tagging`, `matching`). When no page has every word, the
 * pages with the most of them come instead, best first ("partial"). */

/** The shortest part of a compound: "in", "ten", "de" never count as one. */
const MIN_PART = 4;
/** What Dutch puts between the parts of a compound (tussen-s, tussen-e, tussen-en). */
const LINKS = ["", "s", "e", "en"];
/** At most this many partial matches (their facet counts need each page's data). */
export const PARTIAL_LIMIT = 50;
/** Fewer pages than this with every word of a query: the best partial matches follow them. */
export const ENOUGH = 5;
/** At most this many words of a query also find pages by their tags: each one doubles the
 * searches (`matching`); the others find pages by their text only. */
export const TAGGED_WORDS = 3;
/** A page with every word in its text comes before the pages found by a tag when a word is among
 * its first this many words: its title and summary, which the page templates put first (the
 * summary in the hidden search block), not a passing mention further on. */
export const LEAD_WORDS = 60;
/** Pagefind's ranking of a match in a metadata field (the hidden block of `_pagefind.md.j2`):
 * the title and summary count as in the text, a word form a page is indexed with (a compound's
 * part, an inflection: render/search_words.py) as its summary; the date and the example flag
 * never rank. */
export const RANKING = {
  metaWeights: {
    title: 5,
    summary: 1,
    woordvormen: 1,
    type: 1,
    date: 0,
    example: 0,
  },
};

/** Lowercase without accents: "Suïcide" and "suicide" are the same word. */
export function fold(word) {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The query's words as Pagefind reads them: split on spaces, punctuation left out. */
export function queryWords(query) {
  return query
    .split(/\s+/)
    .map((word) => fold(word).replace(/[\p{P}\p{S}]/gu, ""))
    .filter(Boolean);
}

/** Levenshtein distance of a and b, or `limit` as soon as it cannot be below it. */
export function distance(a, b, limit) {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      best = Math.min(best, row[j]);
    }
    if (best >= limit) return limit;
    previous = row;
  }
  return previous[b.length];
}

/** The site's word list: which query words Pagefind may see, and in what form. */
export class Words {
  constructor(
    { words = [], stopwords = [], terms = [], tags = {}, unindexed = [] } = {},
    available = true,
  ) {
    this.available = available;
    this.forms = new Map(); // folded -> the word as the list writes it
    for (const word of words) if (!this.forms.has(fold(word))) this.forms.set(fold(word), word);
    this.sorted = [...this.forms.keys()].sort();
    this.stop = new Set(stopwords.map(fold));
    this.terms = terms; // [facet key, term id]
    this.tags = new Map(Object.entries(tags).map(([word, found]) => [fold(word), found]));
    this.unindexed = new Set(unindexed.map(fold)); // words of search terms only: tags alone
  }

  /** What a query word finds through tags: `filters`, the terms whose tagged pages it finds, as
   * Pagefind filters ({thema: "id"}): those of the word, or (a word still being typed) of every
   * word of the list it begins; and `only`, whether no page has it in its text: a word of search
   * terms only, or the start of such words alone (Pagefind would match it to a shorter word:
   * "zelfmoord" to "zelf"). One walk of the list serves both. */
  tagging(unit) {
    const word = fold(unit);
    const words = this.has(word) ? [word] : [...this.beginningWith(word)];
    const found = new Set(words.flatMap((w) => this.tags.get(w) || []));
    return {
      filters: [...found]
        .sort((a, b) => a - b)
        .map((n) => ({ [this.terms[n][0]]: this.terms[n][1] })),
      only: words.length > 0 && words.every((w) => this.unindexed.has(w)),
    };
  }

  has(word) {
    return this.forms.has(word);
  }

  /** The words of the list that begin with `start`, in order. */
  *beginningWith(start) {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.sorted[middle] < start) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < this.sorted.length && this.sorted[i].startsWith(start); i++) {
      yield this.sorted[i];
    }
  }

  /** The word of the list that `word` is an inflection of: they share all but the last three
   * letters of `word` (at least four), and the list's word has at most four letters more after
   * what they share ("psycholoog" -> "psychologen"); the longest shared beginning wins. */
  inflection(word) {
    const least = Math.max(MIN_PART, word.length - 3);
    if (word.length < least) return null;
    let best = null;
    let bestShared = 0;
    for (const candidate of this.beginningWith(word.slice(0, least))) {
      let shared = least;
      while (shared < word.length && candidate[shared] === word[shared]) shared++;
      if (candidate.length - shared > 4) continue;
      const closer =
        shared > bestShared ||
        (shared === bestShared &&
          Math.abs(candidate.length - word.length) < Math.abs(best.length - word.length));
      if (closer) {
        best = candidate;
        bestShared = shared;
      }
    }
    return best;
  }

  /** What every word of the list that begins with `start` begins with, when that is longer:
   * "studen" -> "student" (Pagefind stems "studen" to "stuud", which begins nothing). */
  completion(start) {
    if (this.has(start)) return null;
    let common = null;
    for (const word of this.beginningWith(start)) {
      if (common === null) common = word;
      let shared = start.length;
      while (shared < common.length && common[shared] === word[shared]) shared++;
      common = common.slice(0, shared);
    }
    return common && common.length > start.length ? this.forms.get(common) || common : null;
  }

  /** A word of the list as a part of a compound (not a stopword, not too short). */
  part(word, last) {
    if (word.length < MIN_PART || this.stop.has(word)) return null;
    if (this.has(word)) return word;
    return last ? this.inflection(word) : null;
  }

  /** The parts of a Dutch compound, each a word of the list (the last may be an inflection of
   * one), with a linking s, e or en between them; the longest first part that works wins.
   * "examenstress" -> ["examen", "stress"]; null when no split covers the whole word. */
  compound(word, depth = 0) {
    if (depth > 2) return null;
    for (let end = word.length - MIN_PART; end >= MIN_PART; end--) {
      const head = this.part(word.slice(0, end), false);
      if (!head) continue;
      for (const link of LINKS) {
        if (!word.startsWith(link, end)) continue;
        const rest = word.slice(end + link.length);
        const tail = this.part(rest, true) || this.compound(rest, depth + 1);
        if (tail) return [head, ...[tail].flat()];
      }
    }
    return null;
  }

  /** What to hand Pagefind for one query word: a list of words, or null when nothing fits. */
  resolve(word) {
    if (!this.available || this.has(word)) return [word];
    if (!this.beginningWith(word).next().done) return [word]; // the start of a word: typing
    const inflected = this.inflection(word);
    if (inflected) return [this.forms.get(inflected)];
    const parts = this.compound(word);
    return parts ? parts.map((part) => this.forms.get(part)) : null;
  }

  /** The closest word of the list to a word it does not know (a typo), at most two edits away
   * (three for a word of eight letters or more); null when none is. */
  closest(word) {
    if (word.length < 4) return null;
    let best = null;
    let limit = word.length > 7 ? 3 : 2;
    for (const candidate of this.sorted) {
      if (candidate.length < 4 || Math.abs(candidate.length - word.length) >= limit) continue;
      const d = distance(word, candidate, limit);
      if (d < limit) {
        best = candidate;
        limit = d;
      }
    }
    return best && this.forms.get(best);
  }

  /** The query word by word: `forms` to search for (null: not found anywhere), and whether it
   * is a stopword; `suggestion`, the query with each unknown word replaced by its closest word
   * of the list (null when there is none). */
  plan(query) {
    const words = queryWords(query);
    const content = words.some((word) => !this.stop.has(word));
    const terms = words.map((word) => {
      const stop = content && this.stop.has(word);
      return { word, stop, forms: stop ? [] : this.resolve(word) };
    });
    let changed = false;
    const fixed = terms.map(({ word, forms }) => {
      const better = forms ? null : this.closest(word);
      if (better) changed = true;
      return better || word;
    });
    return { terms, suggestion: changed ? fixed.join(" ") : null };
  }
}

/** Each result's filter values counted, as Pagefind counts them, added to `counts`. */
async function countFilters(results, counts) {
  for (const data of await Promise.all(results.map((result) => result.data()))) {
    for (const [key, values] of Object.entries(data.filters || {})) {
      counts[key] ||= {};
      for (const value of values) counts[key][value] = (counts[key][value] || 0) + 1;
    }
  }
  return counts;
}

/** Pagefind's answer (`pf`) for the pages with every one of `units`, where a unit that is a word
 * of a vocabulary term (`Words.tagging`) may instead be a tag of the page: `results` and
 * `filters`, their facet counts. The pages are found in parts that never overlap, so that their
 * counts add up: for each tagged unit, a page either has one of its tags, or has none and the
 * unit in its text (Pagefind's `not` filter); 2^n searches for n tagged units. The results come
 * in three groups: the pages with every unit in their text and one in their title or summary
 * (`LEAD_WORDS`); the pages with a unit as a tag (most such units first, then those with every
 * unit in their text); the other pages with every unit in their text. With `options.sort`, all
 * in its order. */
async function matching(pf, words, units, options) {
  const each = units.map((unit, i) => ({ i, ...words.tagging(unit) }));
  const nothing = { results: [], filters: {} };
  const allInText = !each.some((unit) => unit.only);
  const text = allInText ? await pf.search(units.join(" "), options) : nothing;
  const tagged = each.filter((unit) => unit.filters.length).slice(0, TAGGED_WORDS);
  if (!tagged.length) return text;
  const parts = [];
  for (let mask = 0; mask < 1 << tagged.length; mask++) {
    if (tagged.some((unit, bit) => unit.only && !(mask & (1 << bit)))) {
      parts.push(nothing); // a word no page has in its text
      continue;
    }
    const all = [options.filters || {}];
    const inText = new Set(units.keys());
    tagged.forEach((unit, bit) => {
      if (mask & (1 << bit)) {
        all.push({ any: unit.filters });
        inText.delete(unit.i);
      } else {
        all.push({ not: { any: unit.filters } });
      }
    });
    const rest = [...inText].map((i) => units[i]).join(" ");
    parts.push(await pf.search(rest || null, { filters: { all } }));
  }
  const counts = {};
  for (const part of parts) {
    for (const [key, values] of Object.entries(part.filters || {})) {
      counts[key] ||= {};
      for (const [value, n] of Object.entries(values)) {
        counts[key][value] = (counts[key][value] || 0) + n;
      }
    }
  }
  const tags = new Map(); // result id -> how many units it has as a tag
  parts.forEach((part, mask) => {
    for (const result of part.results) tags.set(result.id, bitCount(mask));
  });
  const strong = text.results.filter((result) => Math.min(...result.words) < LEAD_WORDS);
  const listed = new Set(strong.map((result) => result.id));
  const byTag = [...text.results, ...parts.flatMap((part) => part.results)]
    .filter((result) => tags.get(result.id) && !listed.has(result.id) && listed.add(result.id))
    .sort((a, b) => tags.get(b.id) - tags.get(a.id)); // (stable: those with the text first)
  const weak = text.results.filter((result) => !listed.has(result.id));
  let results = [...strong, ...byTag, ...weak];
  if (options.sort) {
    const ids = new Set(results.map((result) => result.id));
    const all = await pf.search(null, { filters: options.filters || {}, sort: options.sort });
    results = all.results.filter((result) => ids.has(result.id));
  }
  return { ...text, results, filters: counts };
}

function bitCount(mask) {
  let count = 0;
  for (let rest = mask; rest; rest >>= 1) count += rest & 1;
  return count;
}

/** Search with Pagefind (`pf`) as the plan says. Returns `results` (Pagefind's result objects),
 * `filters` (the facet counts of those results), `complete` (how many of the results have every
 * word), `suggestion` ("Bedoelde je ...?") and `mode`:
 *   "all"     every result has every word (Pagefind's own answer, in its order);
 *   "some"    fewer than ENOUGH pages have every word: after them, the best partial matches;
 *   "partial" no page has every word: the pages with the most of them, best first;
 *   "none"    nothing found.
 * Partial matches: at most PARTIAL_LIMIT, ranked by how many words they have, then by the sum
 * of Pagefind's scores for those words (none for a word found as a tag). A query without words
 * (filters only) goes to Pagefind as it is. `counts`: also count the filter values of partial
 * matches (Pagefind counts its own). */
export async function search(pf, words, query, options = {}, { counts = false } = {}) {
  if (!query || !query.trim()) {
    const found = await pf.search(null, options);
    return { ...found, mode: "all", complete: found.results.length, suggestion: null };
  }
  const { terms, suggestion } = words.plan(query);
  const wanted = terms.filter((term) => !term.stop);
  const usable = wanted.filter((term) => term.forms);
  const none = { results: [], filters: {}, mode: "none", complete: 0, suggestion };
  if (!usable.length) return none;
  // each word Pagefind sees on its own, a compound's parts too
  let units = usable.flatMap((term) => term.forms);
  let complete = { results: [], filters: {} };
  if (usable.length === wanted.length) {
    complete = await matching(pf, words, units, options);
    const completed = units.map((unit) => words.completion(unit) || unit);
    if (!complete.results.length && completed.join(" ") !== units.join(" ")) {
      units = completed; // a word still being typed that Pagefind's stemmer turned into nothing
      complete = await matching(pf, words, units, options);
    }
    const n = complete.results.length;
    if (n >= ENOUGH || units.length === 1) {
      return { ...complete, mode: n ? "all" : "none", complete: n, suggestion };
    }
  }
  const have = new Set(complete.results.map((result) => result.id));
  const pages = new Map();
  for (const unit of units) {
    const found = await matching(pf, words, [unit], { filters: options.filters || {} });
    for (const result of found.results) {
      if (have.has(result.id)) continue;
      const page = pages.get(result.id) || { result, words: 0, score: 0 };
      if ((result.score || 0) > (page.result.score || 0)) page.result = result; // marks the most
      page.words += 1;
      page.score += result.score || 0; // (none: found by a tag alone)
      pages.set(result.id, page);
    }
  }
  const partial = [...pages.values()]
    .sort((a, b) => b.words - a.words || b.score - a.score)
    .slice(0, PARTIAL_LIMIT)
    .map((page) => page.result);
  const n = complete.results.length;
  if (!n && !partial.length) return none;
  const filters = JSON.parse(JSON.stringify(complete.filters || {}));
  return {
    results: [...complete.results, ...partial],
    filters: counts ? await countFilters(partial, filters) : filters,
    mode: n ? (partial.length ? "some" : "all") : "partial",
    complete: n,
    suggestion,
  };
}

/** The site's word list (`root`: the site's address), or one that lets every word through
 * when it cannot be read (then Pagefind sees the query as typed). */
export async function loadWords(root) {
  try {
    const response = await fetch(new URL("assets/kennisbank-words.json", root));
    if (response.ok) return new Words(await response.json());
  } catch {
    // below
  }
  return new Words({}, false);
}

// What the web form writes, and which choice a typed word means: the record format, the ranking
// of a select's options and the date check, free of Decap CMS (kennisbank-cms.js wires them in;
// tests/test_cms_record.py runs them in Node).
//
// A new record is written the way `kennisbank new` writes one: the `# yaml-language-server`
// schema line on top, the fields in the record's order, empty optional fields left out, text
// that YAML 1.1 readers (PyYAML) would take for something else quoted. An edited record keeps
// its own layout: the file as read travels with the entry (under SOURCE) and only the fields
// whose value changed are written again, in the style they had (flow or block list, quotes,
// folded text, a comment after the value); every other line stays as it was, byte for byte.
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  Pair,
  parse,
  parseDocument,
  YAMLMap,
} from "./yaml/index.js";

// the entry's field that holds the file as read (no record field starts with "__")
export const SOURCE = "__kennisbank_source__";
const SCHEMA_LINE = " yaml-language-server: $schema=../schema/initiative.schema.json";
const WRITE = { lineWidth: 100, blockQuote: "literal", flowCollectionPadding: false };

function empty(value) {
  if (value === null || value === undefined || value === "" || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

function clean(value) {
  if (typeof value === "string") return value.includes("\n") ? value : value.trim();
  if (Array.isArray(value)) return value.map(clean).filter((v) => !empty(v));
  if (value && typeof value === "object") return ordered(value, Object.keys(value));
  return value;
}

// `data` with the keys of `order` first, in that order, then any others; empty values dropped.
// `order` is a list of keys, or the record's order ({fields, quality, links}): then `quality`,
// which a record requires, stays even when every criterion is left out (`quality: {}`, the
// site shows "Niet bekend"), as `kennisbank new` writes it.
export function ordered(data, order) {
  const record = !Array.isArray(order);
  const keys = record ? order.fields : order;
  const out = {};
  for (const key of [...keys, ...Object.keys(data).filter((k) => !keys.includes(k))]) {
    if (key === SOURCE || !(key in data || (record && key === "quality"))) continue;
    let value = clean(data[key]);
    if (record && key === "quality") {
      out.quality = value && typeof value === "object" ? ordered(value, order.quality) : {};
      continue;
    }
    if (record && key === "links" && Array.isArray(value)) {
      value = value.map((link) => ordered(link, order.links));
    }
    if (!empty(value)) out[key] = value;
  }
  return out;
}

// The entry's data from a record file: what YAML says, a year (`date: 2023`) as text, and the
// file itself under SOURCE.
export function fromFile(text) {
  const data = parse(text) || {};
  if (typeof data !== "object" || Array.isArray(data)) return data;
  if (typeof data.date === "number") data.date = String(data.date);
  data[SOURCE] = text;
  return data;
}

export function toFile(data, order) {
  const record = ordered(data, order);
  const source = data[SOURCE];
  const kept = typeof source === "string" && edited(source, record, order);
  return kept || fresh(record, order);
}

function fresh(record, order) {
  const doc = new Document(ordered(record, order), { version: "1.1" });
  doc.commentBefore = SCHEMA_LINE;
  const text = doc.toString({ ...WRITE, indentSeq: true });
  return text.replace(/^(#[^\n]*\n)\n/, "$1"); // no blank line under the schema line
}

function same(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
}

function lineStart(text, offset) {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function column(text, offset) {
  return offset - lineStart(text, offset);
}

// How many spaces the file indents a level by (its smallest indentation), 2 if it never does.
function indentUnit(text) {
  const widths = text
    .split("\n")
    .filter((line) => /^ +[^ #]/.test(line))
    .map((line) => line.length - line.trimStart().length);
  return widths.length ? Math.min(...widths) : 2;
}

// Whether the file's block lists are indented under their field (`  - a`), as `new` writes them.
function indentsLists(text) {
  const match = /^( *)[^\s#-][^\n]*:[ \t]*\n( *)- /m.exec(text);
  return match ? match[2].length > match[1].length : true;
}

// The text of `key: value` as the file would hold it at column `indent`: in the style of the
// node it replaces (`old`), if any.
function pairText(key, value, old, style) {
  const doc = new Document(null, { version: "1.1" });
  const node = doc.createNode(value);
  if (old?.value) {
    if (isScalar(node) && isScalar(old.value)) node.type = old.value.type;
    if ((isSeq(node) && isSeq(old.value)) || (isMap(node) && isMap(old.value))) {
      node.flow = old.value.flow && old.value.items.length > 0; // `links: []` grows a block
    }
    node.comment = old.value.comment;
  }
  const name = doc.createNode(key); // (not the old key node: it holds the comments above it)
  if (old && isScalar(old.key)) name.type = old.key.type;
  doc.contents = new YAMLMap();
  doc.contents.items.push(new Pair(name, node));
  // (folded text stays folded; other text with line breaks becomes a literal block)
  const blockQuote = node.type === "BLOCK_FOLDED" ? true : WRITE.blockQuote;
  const { unit: indent, indentSeq } = style;
  const text = doc.toString({ ...WRITE, blockQuote, indent, indentSeq });
  const pad = " ".repeat(style.indent);
  return text.replace(/\n(?=[^\n])/g, `\n${pad}`);
}

function keyOf(pair) {
  return isScalar(pair.key) ? String(pair.key.value) : null;
}

// The changes that turn the block mapping `map` (holding `before`) into one holding `after`,
// as [start, end, text] replacements of the source; only the fields that changed.
function mapEdits(source, map, before, after, keys, order, style, edits) {
  const pairs = new Map(map.items.map((pair) => [keyOf(pair), pair]));
  const names = [...new Set([...keys, ...Object.keys(before), ...Object.keys(after)])];
  const indent = map.items.length ? column(source, map.items[0].key.range[0]) : style.indent;
  const here = { ...style, indent };
  for (const name of names) {
    const old = before[name];
    const now = after[name];
    if (same(old, now)) continue;
    const pair = pairs.get(name);
    if (!pair) {
      // a field the file lacks: in its place in the record's order, else after the last one
      const later = keys.slice(keys.indexOf(name) + 1).find((k) => pairs.has(k));
      const at = later ? lineStart(source, pairs.get(later).key.range[0]) : end(source, map);
      const text = " ".repeat(indent) + pairText(name, now, null, here);
      edits.push([at, at, at > 0 && source[at - 1] !== "\n" ? `\n${text}` : text]);
      continue;
    }
    const start = pair.key.range[0];
    const stop = pair.value ? pair.value.range[2] : pair.key.range[2];
    if (now === undefined) {
      edits.push([lineStart(source, start), stop, ""]);
    } else if (
      isMap(pair.value) &&
      !pair.value.flow &&
      old && typeof old === "object" && !Array.isArray(old) &&
      typeof now === "object" && !Array.isArray(now)
    ) {
      const inner = order && name === "quality" ? order.quality : Object.keys(now);
      mapEdits(source, pair.value, old, now, inner, null, here, edits);
    } else {
      const text = pairText(name, now, pair, here);
      const ends = source.slice(start, stop).endsWith("\n");
      edits.push([start, stop, ends ? text : text.replace(/\n$/, "")]);
    }
  }
}

function end(source, map) {
  const last = map.items[map.items.length - 1];
  return last.value ? last.value.range[2] : last.key.range[2];
}

// The file `source` with only the changed fields written again; null when it cannot be
// edited in place (no block mapping at the top, or YAML the library does not read cleanly).
function edited(source, record, order) {
  const doc = parseDocument(source);
  if (doc.errors.length || !isMap(doc.contents) || doc.contents.flow) return null;
  if (!doc.contents.items.length || doc.contents.items.some((p) => keyOf(p) === null)) return null;
  const before = ordered(fromFile(source), order);
  const style = { indent: 0, unit: indentUnit(source), indentSeq: indentsLists(source) };
  const edits = [];
  mapEdits(source, doc.contents, before, record, order.fields, order, style, edits);
  let text = source;
  for (const [start, stop, replacement] of edits.sort((a, b) => b[0] - a[0] || b[1] - a[1])) {
    text = text.slice(0, start) + replacement + text.slice(stop);
  }
  return text;
}

// Text without case, accents or extra spaces: what a typed word is compared by.
export function folded(text) {
  return String(text)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

function words(text) {
  return ` ${text.replace(/[^\p{L}\p{N}]+/gu, " ")} `;
}

// A select's options, those that `typed` names best first: the label or code itself, then the
// ones they start with, then a word in them, then the rest; each group in the framework's order.
export function ranked(options, typed) {
  const wanted = folded(typed);
  if (!wanted) return options;
  const rank = (option) => {
    const names = [folded(option.label), folded(option.value)];
    if (names.includes(wanted)) return 0;
    if (names.some((name) => name.startsWith(wanted))) return 1;
    if (names.some((name) => words(name).includes(words(wanted)))) return 2;
    if (names.some((name) => words(name).includes(` ${wanted}`))) return 3;
    return 4;
  };
  return options
    .map((option, index) => [rank(option), index, option])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, , option]) => option);
}

function shown(value) {
  const text = value.length <= 60 ? value : `${value.slice(0, 57)}...`;
  if (text.includes("'") && !text.includes('"')) return `"${text}"`;
  return `'${text.replace(/'/g, "\\'")}'`;
}

// A date as Dutch pages write it ('augustus 2019', '12 oktober 2021', '12-10-2021') as the record
// writes it ('2019-08', '2021-10-12'); null for anything else (as read/dates.py parse_dutch).
export function dutchDate(text, months) {
  const plain = text.toLowerCase().replace(/,/g, " ").split(/\s+/).filter(Boolean).join(" ");
  const m =
    /^(?:(?<day>\d{1,2})\s+)?(?<month>[a-z]+)\.?\s+(?<year>\d{4})$/.exec(plain) ||
    /^(?:(?<day>\d{1,2})[-/.])?(?<month>\d{1,2})[-/.](?<year>\d{4})$/.exec(plain);
  if (!m) return null;
  const { day, year } = m.groups;
  const month = /^[a-z]+$/.test(m.groups.month) ? months[m.groups.month] : Number(m.groups.month);
  if (!month || !real(Number(year), month, day ? Number(day) : 1)) return null;
  const parts = [year, String(month).padStart(2, "0")];
  if (day) parts.push(day.padStart(2, "0"));
  return parts.join("-");
}

function real(year, month, day) {
  if (year < 1 || month < 1 || month > 12) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// What `kennisbank validate` says about a record's `date`, or null when it is fine: the same
// message, with the same fix ('; schrijf 2024-03') for a date written the Dutch way.
export function dateProblem(value, rule) {
  if (value === undefined || value === null || value === "") return null;
  const text = String(value);
  if (new RegExp(rule.pattern).test(text)) {
    const [year, month, day] = text.split("-").map(Number);
    return real(year, month || 1, day || 1)
      ? null
      : `verwacht een bestaande datum, gevonden ${shown(text)}`;
  }
  const fix = dutchDate(text, rule.months);
  return `verwacht ${rule.expected}, gevonden ${shown(text)}` + (fix ? `; schrijf ${fix}` : "");
}

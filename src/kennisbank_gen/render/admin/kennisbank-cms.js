// The admin page's own script: teaches Decap CMS to write records the way `kennisbank validate`
// wants them, then starts it. Decap's built-in YAML format cannot write comments, so records use
// this format: the `# yaml-language-server` schema line on top, the fields in the record's order
// (generated from the framework), empty optional fields left out, text that YAML 1.1 readers
// (PyYAML) would take for something else quoted.
import { Document, parse } from "./yaml/index.js";

const ORDER = __RECORD_ORDER__;
const SCHEMA_LINE = " yaml-language-server: $schema=../schema/initiative.schema.json";

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
function ordered(data, order) {
  const out = {};
  const keys = [...order, ...Object.keys(data).filter((k) => !order.includes(k))];
  for (const key of keys) {
    if (!(key in data)) continue;
    let value = clean(data[key]);
    if (key === "quality" && value && typeof value === "object") {
      value = ordered(value, ORDER.quality);
    } else if (key === "links" && Array.isArray(value)) {
      value = value.map((link) => ordered(link, ORDER.links));
    }
    if (!empty(value)) out[key] = value;
  }
  return out;
}

const recordFormat = {
  fromFile(text) {
    const data = parse(text) || {};
    if (typeof data.date === "number") data.date = String(data.date); // `date: 2023` is a year
    return data;
  },
  toFile(data) {
    const doc = new Document(ordered(data, ORDER.fields), { version: "1.1" });
    doc.commentBefore = SCHEMA_LINE;
    const text = doc.toString({ lineWidth: 100, blockQuote: "literal", indentSeq: true });
    return text.replace(/^(#[^\n]*\n)\n/, "$1"); // no blank line under the schema line
  },
};

window.CMS.registerCustomFormat("kennisbank-yaml", "yml", recordFormat);
window.CMS.init();

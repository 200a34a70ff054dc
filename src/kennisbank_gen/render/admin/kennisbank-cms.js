// The admin page's own script: teaches Decap CMS to write records the way `kennisbank validate`
// wants them, then starts it. Decap's built-in YAML format cannot write comments nor keep a
// file's layout, so records use this format (kennisbank-record.js): a new record as `kennisbank
// new` writes it, an edited one with only the changed fields written again. Two widgets wrap
// Decap's own: `kennisbank-select` ranks the options by what is typed (the label or code itself
// first, then those it starts), so Enter takes what the editor meant; `kennisbank-date` refuses
// a date with the message and fix `kennisbank validate` gives. ORDER (the record's field order)
// and DATE (the date rule) are generated from the framework and the record schema.
import { dateProblem, fromFile, ranked, toFile } from "./kennisbank-record.js";

const ORDER = __RECORD_ORDER__;
const DATE = __DATE_RULE__;
const { CMS, createClass, h } = window;

CMS.registerCustomFormat("kennisbank-yaml", "yml", {
  fromFile,
  toFile: (data) => toFile(data, ORDER),
});

const select = CMS.getWidget("select");
const string = CMS.getWidget("string");

function plain(option) {
  return typeof option === "string" ? { label: option, value: option } : option.toJS();
}

// Sets its state only when what is typed changes (a blur or a choice with nothing typed costs
// no render of its own), and sorts the options again only when that or the field changes. The
// inner select gets the same ref and onChange functions on every render (createClass binds them
// once).
const RankedSelect = createClass({
  getInitialState() {
    return { typed: "" };
  },
  isValid() {
    return this.inner?.isValid ? this.inner.isValid() : { error: false };
  },
  type(typed) {
    if (typed !== this.state.typed) this.setState({ typed });
  },
  keepInner(control) {
    this.inner = control;
  },
  change(...args) {
    this.type("");
    this.props.onChange(...args);
  },
  sortedField() {
    const { field } = this.props;
    const { typed } = this.state;
    if (this.sorted?.field !== field || this.sorted.typed !== typed) {
      const options = field.get("options");
      const best = ranked(options.toArray().map(plain), typed);
      const place = new Map(best.map((option, index) => [option.value, index]));
      const sorted = options.sortBy((option) => place.get(plain(option).value));
      this.sorted = { field, typed, result: field.set("options", sorted) };
    }
    return this.sorted.result;
  },
  render() {
    return h(
      "div",
      {
        onInput: (event) => this.type(event.target.value || ""),
        onBlur: () => this.type(""),
      },
      h(select.control, {
        ...this.props,
        field: this.sortedField(),
        ref: this.keepInner,
        onChange: this.change,
      }),
    );
  },
});

const DateText = createClass({
  isValid() {
    const message = dateProblem(this.props.value, DATE);
    return message ? { error: { type: "CUSTOM", message } } : { error: false };
  },
  render() {
    return h(string.control, this.props);
  },
});

CMS.registerWidget("kennisbank-select", RankedSelect, select.preview, select.schema);
CMS.registerWidget("kennisbank-date", DateText, string.preview, string.schema);
CMS.init();

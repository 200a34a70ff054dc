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

const RankedSelect = createClass({
  getInitialState() {
    return { typed: "" };
  },
  isValid() {
    return this.inner?.isValid ? this.inner.isValid() : { error: false };
  },
  render() {
    const options = this.props.field.get("options");
    const best = ranked(options.toArray().map(plain), this.state.typed);
    const place = new Map(best.map((option, index) => [option.value, index]));
    const field = this.props.field.set(
      "options",
      options.sortBy((option) => place.get(plain(option).value)),
    );
    return h(
      "div",
      {
        onInput: (event) => this.setState({ typed: event.target.value || "" }),
        onBlur: () => this.setState({ typed: "" }),
      },
      h(select.control, {
        ...this.props,
        field,
        ref: (control) => {
          this.inner = control;
        },
        onChange: (...args) => {
          this.setState({ typed: "" });
          this.props.onChange(...args);
        },
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

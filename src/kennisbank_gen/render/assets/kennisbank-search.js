/* Kennisbank search: Pagefind in the header of every page, and the browse page "Zoeken en
 * filteren" with facets and live counts. Vanilla JavaScript, no dependencies; Pagefind's own
 * bundle is served by this site (pagefind/pagefind.js), nothing leaves it. What a query's words
 * mean (teachers' words, compounds, typos) and the fallback to partial matches are in
 * kennisbank-query.js, loaded with Pagefind. Without JavaScript the overview pages list
 * everything; this is an enhancement on top of them. */
(() => {
  "use strict";
  const script = document.currentScript;
  const root = new URL("..", script.src); // the site root: this file lives in assets/
  const HEADER_RESULTS = 8;
  const PAGE_SIZE = 20;
  const UNAVAILABLE =
    "Zoeken is hier niet beschikbaar. In de voorbeeldweergave (kennisbank serve) is er geen " +
    "zoekindex; die maakt kennisbank build.";
  let engine = null;
  let matcher = null; // kennisbank-query.js with the site's word list
  let queue = Promise.resolve();

  /** Pagefind's API, loaded on first use; rejects when the site has no search index. */
  function pagefind() {
    if (!engine) {
      const query = import(new URL("kennisbank-query.js", script.src).href);
      matcher = query.then(async (q) => ({ ...q, words: await q.loadWords(root) }));
      engine = Promise.all([import(new URL("pagefind/pagefind.js", root).href), query]).then(
        async ([pf, q]) => {
          await pf.options({ baseUrl: root.pathname, excerptLength: 24, ranking: q.RANKING });
          await pf.init();
          return pf;
        },
      );
    }
    return engine;
  }

  /** Search as kennisbank-query.js plans the query: Pagefind's answer with `mode` ("all",
   * "partial", "none") and `suggestion` ("Bedoelde je ...?"). Inside `withPagefind`. */
  async function find(pf, query, options, extra) {
    const q = await matcher;
    return q.search(pf, q.words, query, options, extra);
  }

  /** What the search (`find`) found, in words: whether the results have every word. */
  function foundText(search, query) {
    const about = query ? ` voor ‘${query}’` : "";
    const partial = search.results.length - search.complete;
    if (search.mode === "partial") {
      return `Geen resultaten met alle woorden${about}; dit zijn de beste gedeeltelijke (${partial}).`;
    }
    if (search.mode === "some") {
      const complete = plural(search.complete, "resultaat", "resultaten");
      return `${complete} met alle woorden${about}; daarna de beste gedeeltelijke (${partial}).`;
    }
    const count = search.results.length;
    return count ? `${plural(count, "resultaat", "resultaten")}${about}` : `Geen resultaten${about}`;
  }

  /** "Bedoelde je <link>?" in `target`; choosing the link searches for `better` with `search`. */
  function offer(target, better, href, search) {
    target.hidden = !better;
    if (!better) {
      target.replaceChildren();
      return;
    }
    const link = el("a", "", better);
    link.href = href;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      search(better);
    });
    target.replaceChildren("Bedoelde je ", link, "?");
  }

  /** Run `task(pagefind)` after every earlier task: Pagefind loads its index chunks lazily, and
   * a search that overlaps another can miss a chunk the other is still loading. Rejects when the
   * site has no search index. */
  function withPagefind(task) {
    const next = queue.then(() => pagefind().then(task));
    queue = next.catch(() => {});
    return next;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Pagefind's excerpt is HTML with <mark>s: keep the text and the marks, drop anything else. */
  function excerpt(html) {
    const parsed = new DOMParser().parseFromString(`<p>${html || ""}</p>`, "text/html");
    const out = el("span", "kb-result__excerpt");
    for (const node of parsed.body.firstChild.childNodes) {
      out.append(node.nodeName === "MARK" ? el("mark", "", node.textContent) : node.textContent);
    }
    return out;
  }

  function plural(n, one, other) {
    return `${n} ${n === 1 ? one : other}`;
  }

  function editable(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  /* ---------------------------------------------------------------- header search (combobox) */

  function headerSearch(form) {
    const input = form.querySelector("input[name=q]");
    const panel = form.querySelector(".kb-search__panel");
    const summary = form.querySelector(".kb-search__summary");
    const list = form.querySelector("[role=listbox]");
    const announce = form.querySelector("[data-kb-announce]");
    const all = form.querySelector(".kb-search__all");
    const suggest = form.querySelector(".kb-search__suggest");
    let options = [];
    let active = -1;
    let seq = 0;
    let timer = 0;

    function setOpen(open) {
      panel.hidden = !open;
      input.setAttribute("aria-expanded", String(open && options.length > 0));
      if (!open) setActive(-1);
    }

    function setActive(index) {
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function show(message, results, query, better = null) {
      list.replaceChildren();
      options = [];
      summary.textContent = message;
      announce.textContent = better ? `${message} Bedoelde je ${better}?` : message;
      offer(suggest, better, `${form.action}?q=${encodeURIComponent(better)}`, (word) => {
        input.value = word;
        input.focus();
        update();
      });
      results.forEach((data, n) => {
        const option = el("li", "kb-result");
        option.id = `kb-search-option-${n}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.href = data.url;
        option.append(
          el("span", "kb-result__title", data.meta.title || data.url),
          resultFacts(data),
          excerpt(data.excerpt),
        );
        options.push(option);
      });
      list.append(...options);
      list.hidden = options.length === 0;
      all.hidden = !query;
      all.href = `${form.action}?q=${encodeURIComponent(query)}`;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      setOpen(true);
    }

    async function update() {
      const query = input.value.trim();
      const mine = ++seq;
      if (!query) {
        options = [];
        list.replaceChildren();
        announce.textContent = "";
        setOpen(false);
        return;
      }
      let found;
      try {
        found = await withPagefind(async (pf) => {
          if (mine !== seq) return null; // a newer query is waiting
          const search = await find(pf, query);
          const top = search.results.slice(0, HEADER_RESULTS);
          const pages = await Promise.all(top.map((r) => r.data()));
          return { text: foundText(search, query), better: search.suggestion, top: pages };
        });
      } catch {
        if (mine === seq) show(UNAVAILABLE, [], "");
        return;
      }
      if (!found || mine !== seq) return;
      show(found.text, found.top, query, found.better);
    }

    function go(option) {
      window.location.href = new URL(option.dataset.href, window.location.href).href;
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    input.addEventListener("focus", () => {
      pagefind().catch(() => {});
      if (input.value.trim() && (options.length || summary.textContent)) setOpen(true);
    });
    input.addEventListener("keydown", (event) => {
      const n = options.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!n) return;
        event.preventDefault();
        if (panel.hidden) setOpen(true);
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
      } else if (event.key === "Enter" && active >= 0 && !panel.hidden) {
        event.preventDefault();
        go(options[active]);
      }
    });
    form.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      input.focus(); // first: focusing the input may reopen the list
      if (!panel.hidden) {
        setOpen(false);
      } else {
        input.value = "";
        update();
      }
    });
    form.addEventListener("focusout", (event) => {
      if (!form.contains(event.relatedTarget)) setOpen(false);
    });
    list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) go(option);
    });
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || editable(event.target)) return;
      if (event.key === "/" || event.key === "s" || event.key === "f") {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  /* ---------------------------------------------------------------- browse page (facets) */

  /** Without a search term, results come newest first; a recommendation's or tip's date key
   * keeps its set together, from number 1 up (render/search.py). */
  const NEWEST = { date: "desc" };
  const NARROW = window.matchMedia("(max-width: 44.9375em)");
  /** Parameters of the address that belong to the compare picker (kennisbank-compare.js). */
  const KEPT_PARAMS = ["vergelijk"];
  const SVG = "http://www.w3.org/2000/svg";
  /** The meter of a judgement, as render/markdown_pages.py `meter` draws it (same geometry):
   * one length for every criterion, `steps` blocks, `level` of them filled. */
  const METER = { width: 40, height: 10, gap: 2 };

  /** The result's kind, set (recommendations and tips), date and example flag, as a row of
   * small labels (`card`: an initiative whose card line below says the date). */
  function resultFacts(data, card = false) {
    const facts = el("span", "kb-result__facts");
    facts.append(el("span", "kb-result__type", data.meta.type || "Pagina"));
    if (data.meta.set) facts.append(" ", el("span", "kb-result__set", data.meta.set));
    if (data.meta.date && !card) facts.append(" ", el("span", "kb-result__date", data.meta.date));
    if (data.meta.example) facts.append(" ", el("span", "kb-example-flag", data.meta.example));
    return facts;
  }

  function number(x) {
    return String(Math.round(x * 100) / 100);
  }

  function meter(level, steps) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "kb-meter");
    svg.setAttribute("viewBox", `0 0 ${METER.width} ${METER.height}`);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const block = (METER.width - METER.gap * (steps - 1)) / steps;
    const inner = block - 1.5;
    let filled = "";
    let empty = "";
    for (let n = 0; n < steps; n++) {
      const x = n * (block + METER.gap);
      if (n < level) {
        filled += `M${number(x)} 0h${number(block)}v${METER.height}h-${number(block)}z`;
      } else {
        empty += `M${number(x + 0.75)} 0.75h${number(inner)}v${number(METER.height - 1.5)}` +
          `h-${number(inner)}z`;
      }
    }
    for (const [d, fill] of [[filled, "currentColor"], [empty, "none"]]) {
      if (!d) continue;
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", fill);
      if (fill === "none") {
        path.setAttribute("stroke", "currentColor");
        path.setAttribute("stroke-width", "1.5");
      }
      svg.append(path);
    }
    return svg;
  }

  function tone(level, steps) {
    if (!level) return "none";
    if (level === steps) return "strong";
    return level === 1 ? "weak" : "middle";
  }

  /** An initiative's quality profile in a result row, as its card shows it (`profile_row` in
   * _macros.md.j2), from the page's facet values (`filters`) and each criterion's scale as the
   * form's fieldset gives it: judgements first, then descriptions; per row the criterion, its
   * value(s) in a few words, and for a judgement with a step on its scale that step. */
  function profile(form, filters) {
    const list = el("dl", "kb-profile kb-profile--card");
    for (const kind of ["judgement", "description"]) {
      for (const set of form.querySelectorAll(`fieldset[data-kb-kind="${kind}"]`)) {
        const ids = filters[set.dataset.facet] || [];
        const values = [...set.querySelectorAll("input")].filter((box) => ids.includes(box.value));
        const level = Math.max(0, ...values.map((box) => Number(box.dataset.kbLevel)));
        const steps = kind === "judgement" && level ? Number(set.dataset.kbSteps) : 0;
        const words = values.map((box) => box.dataset.kbShort).join("; ") || form.dataset.kbUnknown;
        const shade = steps ? `kb-tone--${tone(level, steps)}` : "kb-profile__row--fact";
        const row = el("div", `kb-profile__row ${shade}`);
        const term = el("dt");
        if (steps) term.append(meter(level, steps));
        term.append(el("span", "kb-profile__criterion", set.querySelector("legend").textContent));
        const detail = el("dd", "kb-profile__value", words);
        if (steps) detail.append(" ", el("span", "kb-profile__rank", `${level} van ${steps}`));
        row.append(term, detail);
        list.append(row);
      }
    }
    return list;
  }

  /** The slug of an initiative's page address (initiatieven/<slug>/), or "". */
  function slugOf(url) {
    const path = new URL(url, root).pathname;
    const match = /\/initiatieven\/([a-z0-9]+(?:-[a-z0-9]+)*)\/$/.exec(path);
    return match ? match[1] : "";
  }

  function browsePage(form) {
    const input = form.querySelector("#kb-browse-q");
    const boxes = [...form.querySelectorAll("input[type=checkbox]")];
    const sort = form.querySelector("#kb-browse-sort");
    const status = form.querySelector("#kb-browse-status");
    const suggest = form.querySelector("#kb-browse-suggest");
    const list = form.querySelector("#kb-browse-results");
    const more = form.querySelector("#kb-browse-more");
    const region = form.querySelector(".kb-browse__results");
    const dialog = form.querySelector("#kb-facets");
    const opener = form.querySelector("#kb-browse-open");
    const closer = form.querySelector("#kb-browse-close");
    const chips = form.querySelector("#kb-chips");
    const chipList = chips.querySelector("ul");
    const scope = form.dataset.scope || "";
    const everything = document.getElementById("kb-all"); // the full list (initiatives overview)
    let results = [];
    let shown = 0;
    let seq = 0;
    let timer = 0;

    function selection() {
      const chosen = {};
      for (const box of boxes) if (box.checked) (chosen[box.name] ||= []).push(box.value);
      return chosen;
    }

    function filtersWithout(chosen, skip) {
      const filters = scope ? { type: { any: [scope] } } : {};
      for (const [key, values] of Object.entries(chosen)) {
        if (key !== skip) filters[key] = { any: values };
      }
      return filters;
    }

    /** The sort orders this form offers: option value -> Pagefind's sort (data-kb-sort). */
    const SORTS = {};
    for (const option of sort.options) {
      const [key, direction] = (option.dataset.kbSort || "").split(":");
      if (key) SORTS[option.value] = { [key]: direction };
    }
    const relevance = sort.options[0];

    function readUrl() {
      const params = new URLSearchParams(window.location.search);
      input.value = params.get("q") || "";
      sort.value = SORTS[params.get("sort")] ? params.get("sort") : "";
      for (const box of boxes) box.checked = params.getAll(box.name).includes(box.value);
    }

    function writeUrl(query, chosen) {
      const params = new URLSearchParams();
      const before = new URLSearchParams(window.location.search);
      for (const name of KEPT_PARAMS) {
        for (const value of before.getAll(name)) params.append(name, value);
      }
      if (query) params.set("q", query);
      if (sort.value) params.set("sort", sort.value);
      for (const [key, values] of Object.entries(chosen)) {
        for (const value of values) params.append(key, value);
      }
      const search = params.toString();
      const url = window.location.pathname + (search ? `?${search}` : "");
      window.history.replaceState(null, "", url);
    }

    function busy(on) {
      form.dataset.state = on ? "busy" : "ready"; // for tests: wait for "ready"
      if (on) region.setAttribute("aria-busy", "true");
      else region.removeAttribute("aria-busy");
    }

    function showCounts(counts) {
      for (const box of boxes) {
        const n = (counts[box.name] || {})[box.value] || 0;
        const label = form.querySelector(`label[for="${box.id}"]`);
        label.querySelector("[data-count]").textContent = `(${n})`;
        label.classList.toggle("kb-facet__label--none", n === 0 && !box.checked);
      }
    }

    /** The chosen filters as chips above the results: each removes its filter. */
    function showChips() {
      const checked = boxes.filter((box) => box.checked);
      chipList.replaceChildren(
        ...checked.map((box) => {
          const item = el("li");
          const chip = el("button", "kb-chip");
          chip.type = "button";
          chip.dataset.key = box.name;
          chip.dataset.value = box.value;
          chip.setAttribute("aria-label", `Filter ${box.dataset.label} weghalen`);
          chip.append(el("span", "", box.dataset.label), el("span", "kb-chip__x", "×"));
          chip.lastChild.setAttribute("aria-hidden", "true");
          item.append(chip);
          return item;
        }),
      );
      chips.hidden = checked.length === 0;
      opener.querySelector("[data-kb-chosen-count]").textContent = `(${checked.length})`;
      opener.setAttribute(
        "aria-label",
        `Filters, ${plural(checked.length, "gekozen", "gekozen")}`,
      );
    }

    async function showMore() {
      const mine = seq;
      const batch = results.slice(shown, shown + PAGE_SIZE);
      const pages = await withPagefind(() => Promise.all(batch.map((r) => r.data())));
      if (mine !== seq) return;
      for (const data of pages) {
        const item = el("li", "kb-result");
        const link = el("a", "kb-result__title", data.meta.title || data.url);
        link.href = data.url;
        // an initiative keeps its card: who, when, what kind, and its quality profile
        const slug = data.meta.facts ? slugOf(data.url) : "";
        item.append(link, " ", resultFacts(data, Boolean(slug)));
        if (slug) {
          item.classList.add("kb-card");
          item.dataset.kbSlug = slug;
          item.append(el("p", "kb-meta", data.meta.facts));
        }
        const text = el("p", "kb-result__text");
        // without a search term the excerpt is just the page's start: show its summary instead
        const summary = !input.value.trim() && data.meta.summary;
        text.append(summary || excerpt(data.excerpt));
        item.append(text);
        if (slug) item.append(profile(form, data.filters || {}));
        list.append(item);
      }
      shown += batch.length;
      more.hidden = shown >= results.length;
    }

    async function run() {
      const mine = ++seq;
      const query = input.value.trim();
      const chosen = selection();
      const nothing = !query && Object.keys(chosen).length === 0;
      relevance.textContent = query ? "relevantie" : "nieuwste eerst";
      writeUrl(query, chosen);
      showChips();
      busy(true);
      let found;
      try {
        found = await withPagefind(async (pf) => {
          if (mine !== seq) return null; // a newer choice is waiting
          // all facet values with their totals; this also loads every filter index, without
          // which a search only counts the facets it filters on
          const totals = await pf.filters();
          if (nothing) return { counts: totals, matches: [] };
          // relevance needs words; without them the newest come first
          const order = SORTS[sort.value] || (query ? undefined : NEWEST);
          const options = { filters: filtersWithout(chosen, null) };
          if (order) options.sort = order;
          const search = await find(pf, query, options, { counts: true });
          const counts = { ...search.filters };
          // within one facet the values are alternatives: count each as if only the other
          // facets were chosen, so a count says how many results choosing that value would add
          for (const key of Object.keys(chosen)) {
            const filters = filtersWithout(chosen, key);
            const other = await find(pf, query, { filters }, { counts: true });
            counts[key] = other.filters[key] || {};
          }
          return { counts, matches: search.results, text: foundText(search, ""), better: search.suggestion };
        });
      } catch {
        if (mine === seq) {
          status.textContent = UNAVAILABLE;
          busy(false);
        }
        return;
      }
      if (!found || mine !== seq) return;
      results = found.matches;
      showCounts(found.counts);
      list.replaceChildren();
      suggest.hidden = true;
      shown = 0;
      more.hidden = true;
      if (everything) everything.hidden = !nothing;
      closer.querySelector("[data-kb-result-count]").textContent = nothing
        ? "de"
        : String(results.length);
      if (nothing) {
        status.textContent = scope
          ? "Hieronder staan alle initiatieven. Typ een zoekwoord of kies een filter."
          : "Typ een zoekwoord of kies een filter.";
      } else {
        status.textContent = results.length
          ? found.text
          : "Geen resultaten. Probeer een ander zoekwoord of minder filters.";
        await showMore();
        // a word the site does not know is likely a typo: offer the closest word it knows
        const params = new URLSearchParams(window.location.search);
        params.set("q", found.better || "");
        offer(suggest, mine === seq && found.better, `?${params}`, (better) => {
          input.value = better;
          run();
        });
      }
      if (mine === seq) busy(false);
    }

    function later() {
      busy(true);
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    }

    /* the filters: a column beside the results on a wide screen, a dialog on a narrow one */
    function place() {
      // in place: the open attribute, not show(), which would move the focus into it
      if (NARROW.matches) {
        if (dialog.open && !dialog.matches(":modal")) dialog.removeAttribute("open");
      } else {
        if (dialog.matches(":modal")) dialog.close();
        dialog.setAttribute("open", "");
      }
    }

    form.hidden = false;
    if (everything) region.append(everything); // the full list stands in for "no results yet"
    for (const note of document.querySelectorAll(".kb-nojs")) note.hidden = true;
    readUrl();
    place();
    NARROW.addEventListener("change", place);
    opener.addEventListener("click", () => {
      dialog.showModal();
      (boxes.find((box) => box.checked) || dialog.querySelector("input, button")).focus();
    });
    closer.addEventListener("click", () => {
      if (dialog.matches(":modal")) dialog.close();
      else list.querySelector("a")?.focus();
    });
    dialog.addEventListener("close", () => {
      if (NARROW.matches) opener.focus();
    });
    chipList.addEventListener("click", (event) => {
      const chip = event.target.closest(".kb-chip");
      if (!chip) return;
      const box = boxes.find((b) => b.name === chip.dataset.key && b.value === chip.dataset.value);
      if (box) box.checked = false;
      // keep the keyboard where it was: the next chip, else the previous, else the query
      const item = chip.parentElement;
      const next = item.nextElementSibling || item.previousElementSibling;
      const target = next ? next.querySelector("button") : input;
      const key = next ? [target.dataset.key, target.dataset.value] : null;
      run().then(() => {
        const again = key
          ? chipList.querySelector(`.kb-chip[data-key="${key[0]}"][data-value="${key[1]}"]`)
          : input;
        (again || input).focus();
      });
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    form.addEventListener("change", (event) => {
      if (event.target !== input) run();
    });
    input.addEventListener("input", later);
    form.querySelector("#kb-browse-clear").addEventListener("click", () => {
      for (const box of boxes) box.checked = false;
      run();
    });
    more.addEventListener("click", () => showMore());
    run();
  }

  for (const form of document.querySelectorAll("[data-kb-search]")) headerSearch(form);
  const browse = document.getElementById("kb-browse");
  if (browse) browsePage(browse);
})();

/* Kennisbank: compare two to four initiatives side by side. Vanilla JavaScript, nothing stored:
 * the choice lives in the address (`?vergelijk=<slug>&vergelijk=<slug>`), so a comparison can
 * be shared, bookmarked and printed.
 * - Lists of initiatives (the overview's cards, the results of the search form) get a
 *   "Vergelijk" checkbox per initiative and a bar with the choice and a link to the comparison;
 *   links to the overview's other pages carry the choice along.
 * - The page vergelijken/ fetches each chosen initiative's own page (this site's HTML, the one
 *   source of its facts and quality profile) and puts them side by side in a table: profile
 *   rows, kind, sectors, initiators, date and a link; each can be taken out again.
 * Without JavaScript the lists and pages work as they are; the compare page says it needs it. */
(() => {
  "use strict";
  const script = document.currentScript;
  const root = new URL("..", script.src); // the site root: this file lives in assets/
  const PARAM = "vergelijk";
  const MIN = 2;
  const MAX = 4;
  const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/; // check/slugs.py: nothing else is a page address

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The chosen slugs, from the address: valid, each once, at most MAX, in the order chosen. */
  function chosen() {
    const slugs = new URLSearchParams(window.location.search).getAll(PARAM);
    return [...new Set(slugs)].filter((slug) => SLUG.test(slug)).slice(0, MAX);
  }

  function withChoice(url, slugs) {
    const target = new URL(url, window.location.href);
    target.searchParams.delete(PARAM);
    for (const slug of slugs) target.searchParams.append(PARAM, slug);
    return target;
  }

  /** Keep the choice in the address (replacing, so Back still leaves the page). */
  function remember(slugs) {
    const url = withChoice(window.location.href, slugs);
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  function compareAddress(slugs) {
    return withChoice(new URL("vergelijken/", root), slugs).href;
  }

  /* ------------------------------------------------------------------ picking from a list */

  function picker(lists) {
    const article = document.querySelector(".md-content__inner");
    const titles = new Map(); // slug -> title, for the bar
    let slugs = chosen();

    const bar = el("div", "kb-compare-bar");
    bar.id = "kb-compare-bar";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", "Vergelijken");
    bar.hidden = slugs.length === 0;
    const status = el("p", "kb-compare-bar__status");
    status.setAttribute("role", "status");
    const go = el("a", "md-button md-button--primary kb-compare-bar__go");
    const clear = el("button", "md-button kb-compare-bar__clear", "Wis keuze");
    clear.type = "button";
    bar.append(status, go, clear);
    article.append(bar);
    for (const hint of document.querySelectorAll(".kb-compare-hint")) hint.hidden = false;

    function boxes() {
      return [...document.querySelectorAll(".kb-pick input[type=checkbox]")];
    }

    function update() {
      remember(slugs);
      const full = slugs.length >= MAX;
      for (const box of boxes()) {
        box.checked = slugs.includes(box.value);
        box.disabled = full && !box.checked;
      }
      bar.hidden = slugs.length === 0;
      document.documentElement.classList.toggle("kb-comparing", slugs.length > 0);
      // the titles of those on this page; the others were chosen on another page of the list
      const known = slugs.filter((slug) => titles.has(slug)).map((slug) => titles.get(slug));
      const elsewhere = slugs.length - known.length;
      const names = known.join(", ") +
        (elsewhere ? `${known.length ? " en " : ""}${elsewhere} op een andere pagina` : "");
      if (slugs.length < MIN) {
        status.textContent = slugs.length
          ? `1 gekozen: ${names}. Kies er nog minstens één.`
          : "";
      } else {
        const limit = full ? ` Je kunt er hoogstens ${MAX} kiezen.` : "";
        status.textContent = `${slugs.length} gekozen: ${names}.${limit}`;
      }
      go.hidden = slugs.length < MIN;
      go.textContent = `Vergelijk ${slugs.length} initiatieven`;
      go.href = compareAddress(slugs);
      // the overview's other pages and orders keep the choice
      for (const link of document.querySelectorAll(".kb-pages a, .kb-all__intro a")) {
        link.href = withChoice(link.href, slugs).href;
      }
    }

    /** A "Vergelijk" checkbox on each initiative's card that has none yet. */
    function enhance(scope) {
      for (const card of scope.querySelectorAll("li.kb-card[data-kb-slug]")) {
        if (card.querySelector(".kb-pick")) continue;
        const slug = card.dataset.kbSlug;
        const title = card.querySelector("a")?.textContent.trim() || slug;
        titles.set(slug, title);
        const label = el("label", "kb-pick");
        const box = el("input");
        box.type = "checkbox";
        box.value = slug;
        label.append(box, " Vergelijk", el("span", "kb-visually-hidden", `: ${title}`));
        const line = el("p", "kb-pick__line");
        line.append(label);
        card.append(line);
      }
      update();
    }

    document.addEventListener("change", (event) => {
      const box = event.target.closest?.(".kb-pick input[type=checkbox]");
      if (!box) return;
      slugs = box.checked
        ? [...slugs.filter((slug) => slug !== box.value), box.value].slice(0, MAX)
        : slugs.filter((slug) => slug !== box.value);
      update();
    });
    clear.addEventListener("click", () => {
      slugs = [];
      update();
      boxes()[0]?.focus();
    });
    for (const list of lists) {
      enhance(list);
      // the search form draws its results later, and again for every query
      new MutationObserver(() => enhance(list)).observe(list, { childList: true });
    }
  }

  /* ------------------------------------------------------------------ the comparison */

  /** What the comparison needs from an initiative's own page. */
  function facts(slug, html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const article = page.querySelector("article");
    const fact = (name) => article?.querySelector(`[data-kb-fact="${name}"]`)?.textContent.trim();
    const heading = article?.querySelector("h1");
    for (const permalink of heading?.querySelectorAll(".headerlink") || []) permalink.remove();
    return {
      slug,
      url: new URL(`initiatieven/${slug}/`, root).href,
      title: heading?.textContent.trim() || slug,
      example: Boolean(article?.querySelector(".kb-example-note")),
      facts: {
        kind: fact("kind"),
        sectors: fact("sectors"),
        initiators: fact("initiators"),
        date: fact("date"),
      },
      // each profile row: the criterion, and its meter and value (this site's own markup)
      profile: [...(article?.querySelectorAll("section.kb-profile .kb-profile__row") || [])].map(
        (row) => ({
          criterion: row.querySelector(".kb-profile__criterion")?.textContent.trim() || "",
          tone: [...row.classList].find((name) => name.startsWith("kb-tone--")) || "",
          meter: row.querySelector("dt svg.kb-meter"),
          value: row.querySelector("dd"),
        }),
      ),
    };
  }

  async function load(slug) {
    try {
      const response = await fetch(new URL(`initiatieven/${slug}/`, root));
      if (!response.ok) return { slug, missing: true };
      return facts(slug, await response.text());
    } catch {
      return { slug, missing: true };
    }
  }

  const FACT_ROWS = [
    ["kind", "Soort"],
    ["sectors", "Sector"],
    ["initiators", "Initiatiefnemer"],
    ["date", "Datum"],
  ];

  function table(initiatives, remove, unknown) {
    const wrap = el("div", "kb-compare__scroll");
    wrap.tabIndex = 0; // a region that scrolls sideways on a phone: the keyboard can scroll it
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-labelledby", "kb-compare-caption");
    const grid = el("table", "kb-compare__table");
    const caption = el("caption", "", `${initiatives.length} initiatieven naast elkaar`);
    caption.id = "kb-compare-caption";
    grid.append(caption);
    const head = grid.createTHead().insertRow();
    head.append(Object.assign(el("th", "", "Initiatief"), { scope: "col" }));
    for (const i of initiatives) {
      const cell = el("th");
      cell.scope = "col";
      const link = el("a", "kb-compare__title", i.title);
      link.href = i.url;
      link.dataset.kbHref = i.url; // printed after the title
      cell.append(link);
      if (i.example) cell.append(" ", el("span", "kb-example-flag", "Fictief voorbeeld"));
      const button = el("button", "md-button kb-compare__remove", "Weghalen");
      button.type = "button";
      button.setAttribute("aria-label", `${i.title} weghalen uit de vergelijking`);
      button.addEventListener("click", () => remove(i.slug));
      cell.append(el("br"), button);
      head.append(cell);
    }
    const body = grid.createTBody();
    const row = (label, cells) => {
      const tr = body.insertRow();
      const th = el("th", "", label);
      th.scope = "row";
      tr.append(th, ...cells);
    };
    const criteria = [];
    for (const i of initiatives) {
      for (const r of i.profile) if (!criteria.includes(r.criterion)) criteria.push(r.criterion);
    }
    for (const criterion of criteria) {
      row(
        criterion,
        initiatives.map((i) => {
          const cell = el("td");
          const r = i.profile.find((p) => p.criterion === criterion);
          if (!r) return cell;
          if (r.meter) {
            const symbol = el("span", r.tone); // the meter in its tone, the words as they are
            symbol.append(document.importNode(r.meter, true));
            cell.append(symbol, " ");
          }
          for (const node of r.value.childNodes) cell.append(document.importNode(node, true));
          return cell;
        }),
      );
    }
    for (const [key, label] of FACT_ROWS) {
      row(label, initiatives.map((i) => el("td", "", i.facts[key] || unknown)));
    }
    wrap.append(grid);
    return wrap;
  }

  function comparison(place) {
    const status = place.querySelector(".kb-compare__status");
    const output = place.querySelector(".kb-compare__output");
    const actions = place.querySelector(".kb-compare__actions");
    const address = place.querySelector(".kb-compare__address");
    place.hidden = false;
    for (const note of document.querySelectorAll(".kb-nojs")) note.hidden = true;
    place.querySelector(".kb-compare__print").addEventListener("click", () => window.print());

    async function show(focusAfter) {
      const slugs = chosen();
      remember(slugs);
      address.textContent = window.location.href;
      place.dataset.state = "busy"; // for tests: wait for "ready"
      output.replaceChildren();
      const loaded = await Promise.all(slugs.map(load));
      const found = loaded.filter((i) => !i.missing);
      const missing = loaded.filter((i) => i.missing).map((i) => `‘${i.slug}’`);
      const notes = [];
      if (missing.length) notes.push(`Niet gevonden: ${missing.join(", ")}.`);
      if (found.length < MIN) {
        notes.push(`Kies twee tot ${MAX} initiatieven om te vergelijken.`);
        status.textContent = notes.join(" ");
        const back = el("a", "", "Naar de initiatieven");
        back.href = withChoice(new URL("initiatieven/", root), found.map((i) => i.slug)).href;
        output.append(back);
        actions.hidden = true;
      } else {
        status.textContent = notes.join(" ");
        output.append(
          table(found, (slug) => {
            const url = withChoice(window.location.href, chosen().filter((s) => s !== slug));
            window.history.replaceState(null, "", url.pathname + url.search);
            show(true);
          }, place.dataset.kbUnknown),
        );
        actions.hidden = false;
      }
      if (focusAfter) {
        (output.querySelector(".kb-compare__remove") || output.querySelector("a"))?.focus();
      }
      place.dataset.state = "ready";
    }

    show(false);
  }

  const lists = [document.getElementById("kb-all"), document.getElementById("kb-browse-results")];
  if (lists.some(Boolean)) picker(lists.filter(Boolean));
  const place = document.getElementById("kb-compare");
  if (place) comparison(place);
})();

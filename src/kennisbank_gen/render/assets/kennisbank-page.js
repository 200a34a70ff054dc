/* Kennisbank: citing and printing. Vanilla JavaScript, no dependencies, nothing stored.
 * - [data-kb-today]: the visitor's date in Dutch ("23 november 2026"), as APA's "Geraadpleegd
 *   op" asks; without JavaScript the page says "[datum van raadplegen]";
 * - [data-kb-copy]: a button that copies the element it names as plain text and says so in the
 *   nearest [data-kb-copy-status] (role=status, read by screen readers);
 * - print: links in the content carry their full address (data-kb-href), which the print
 *   stylesheet shows after the link text. */
(() => {
  "use strict";
  const MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
    "september", "oktober", "november", "december"];

  function today() {
    const d = new Date();
    return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
  }

  for (const slot of document.querySelectorAll("[data-kb-today]")) slot.textContent = today();
  for (const slot of document.querySelectorAll("[data-kb-print-date]")) {
    slot.textContent = ` · afgedrukt op ${today()}`;
  }

  /** Copy with the Clipboard API; where that is refused, with a selection and execCommand. */
  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      const done = document.execCommand("copy");
      area.remove();
      return done;
    }
  }

  for (const button of document.querySelectorAll("[data-kb-copy]")) {
    const source = document.getElementById(button.dataset.kbCopy);
    const status = button.closest("div")?.parentElement?.querySelector("[data-kb-copy-status]");
    if (!source) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = source.innerText.replace(/\s+/g, " ").trim();
      const done = await copy(text);
      if (status) {
        status.textContent = "";
        // a fresh message each time, so a second copy is announced too
        setTimeout(() => {
          status.textContent = done
            ? "Bronvermelding gekopieerd."
            : "Kopiëren lukte niet. Selecteer de tekst en kopieer die zelf.";
        }, 50);
      }
    });
  }

  // print: the full address of every link in the content whose text is not already its address
  for (const link of document.querySelectorAll(".md-content a[href]")) {
    if (link.classList.contains("headerlink") || link.getAttribute("href").startsWith("#")) continue;
    if (link.textContent.trim() === link.href) continue;
    link.dataset.kbHref = link.href;
  }
})();

/* Kennisbank: citing and printing. Vanilla JavaScript, no dependencies, nothing stored.
 * - [data-kb-today]: the visitor's date in Dutch ("23 november 2026"), as APA's "Geraadpleegd
 *   op" asks; without JavaScript the page says "[datum van raadplegen]";
 * - [data-kb-copy]: a button that copies the element it names, as HTML (the title in italics,
 *   for a word processor) and as plain text, and says so next to itself, visibly and to screen
 *   readers ([data-kb-copy-status], role=status);
 * - [data-kb-download]: the BibTeX and RIS files are saved with the visitor's date as the day
 *   the page was consulted (BibTeX `urldate`, RIS `Y2`); without JavaScript, as they are;
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

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /** The visitor's day as a reference manager writes it: BibTeX "2026-11-23", RIS
   * "2026/11/23/". */
  function accessed(format) {
    const d = new Date();
    const [y, m, day] = [d.getFullYear(), pad(d.getMonth() + 1), pad(d.getDate())];
    return format === "ris" ? `${y}/${m}/${day}/` : `${y}-${m}-${day}`;
  }

  for (const slot of document.querySelectorAll("[data-kb-today]")) slot.textContent = today();
  for (const slot of document.querySelectorAll("[data-kb-print-date]")) {
    slot.textContent = ` · afgedrukt op ${today()}`;
  }

  /** Copy `source` as HTML and plain text with the Clipboard API; where that is refused, its
   * selection with execCommand (which copies both as well). */
  async function copy(source) {
    const text = source.innerText.replace(/\s+/g, " ").trim();
    const html = source.innerHTML.replace(/\s+/g, " ").trim();
    try {
      await navigator.clipboard.write([
        new ClipboardItem({
          "text/html": new Blob([html], { type: "text/html" }),
          "text/plain": new Blob([text], { type: "text/plain" }),
        }),
      ]);
      return true;
    } catch {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      const done = document.execCommand("copy");
      selection.removeAllRanges();
      return done;
    }
  }

  for (const button of document.querySelectorAll("[data-kb-copy]")) {
    const source = document.getElementById(button.dataset.kbCopy);
    const status = button.closest(".kb-cite")?.querySelector("[data-kb-copy-status]");
    if (!source) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const done = await copy(source);
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

  /** Save a citation file with the visitor's day in it, as the file next to the page has none
   * (a page can only know the day it is read, not a build). */
  async function download(link) {
    const format = link.dataset.kbDownload;
    const response = await fetch(link.href);
    if (!response.ok) throw new Error(String(response.status));
    let text = await response.text();
    if (format === "ris") {
      text = text.replace(/^ER {2}- /m, `Y2  - ${accessed("ris")}\r\nER  - `);
    } else {
      text = text.replace(/^( {2}url = \{.*\},)$/m, `$1\n  urldate = {${accessed("bibtex")}},`);
    }
    const type = format === "ris" ? "application/x-research-info-systems" : "application/x-bibtex";
    const url = URL.createObjectURL(new Blob([text], { type }));
    const save = document.createElement("a");
    save.href = url;
    save.download = link.getAttribute("href").split("/").pop();
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  for (const link of document.querySelectorAll("a[data-kb-download]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      download(link).catch(() => {
        window.location.href = link.href; // the file as it is, without the date
      });
    });
  }

  // print: the full address of every link in the content whose text is not already its address
  for (const link of document.querySelectorAll(".md-content a[href]")) {
    if (link.classList.contains("headerlink") || link.getAttribute("href").startsWith("#")) continue;
    if (link.textContent.trim() === link.href) continue;
    link.dataset.kbHref = link.href;
  }
})();

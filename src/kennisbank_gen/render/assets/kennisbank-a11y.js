/* kennisbank_gen: keyboard access (WCAG 2.1.1, 2.4.1, 2.4.3).
 *
 * - The theme opens its navigation drawer with a label for a hidden checkbox, which a keyboard
 *   cannot reach. Here the label becomes a button (Enter or Space toggles it, aria-expanded
 *   tells its state) and Escape closes the open drawer. The stylesheet keeps a closed drawer's
 *   links out of the tab order, so focus never lands on links that are off screen.
 * - Each heading's permalink ("¶") leaves the tab order (nine extra stops on an initiative
 *   page); it stays a link for the pointer, to open or copy. */
(function () {
  "use strict";
  var permalinks = document.querySelectorAll(".md-typeset a.headerlink");
  for (var i = 0; i < permalinks.length; i++) permalinks[i].tabIndex = -1;

  var box = document.getElementById("__drawer");
  var button = document.querySelector('.md-header label[for="__drawer"]');
  if (!box || !button) return;

  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  button.setAttribute("aria-controls", "__drawer-nav");
  var nav = document.querySelector(".md-sidebar--primary");
  if (nav) nav.id = "__drawer-nav";

  function sync() {
    button.setAttribute("aria-expanded", box.checked ? "true" : "false");
  }

  function toggle(open) {
    if (box.checked !== open) box.click(); // the theme listens to the checkbox
    sync();
  }

  button.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    event.stopPropagation(); // the theme clicks a focused label on Enter: toggle once, here
    toggle(!box.checked);
    if (box.checked && nav) {
      var first = nav.querySelector("a[href], button, input, [tabindex='0']");
      if (first) window.setTimeout(function () { first.focus(); }, 0);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box.checked) {
      toggle(false);
      button.focus();
    }
  });

  box.addEventListener("change", sync);
  sync();
})();

/* mkdocs-sms: sortable tables, scroll boxes and the coverage page's filters. A table inside an element
   with the class "sms-sortable" sorts by a column when its header's button is pressed (click, Enter or
   Space); pressing again reverses the order, and the header's aria-sort says the order. A table or chart
   box that is wider than the page becomes a named region that takes focus, so that it scrolls from the
   keyboard. The coverage page's form (gaps only, by status, by phase) shows only
   the rows that pass. No dependencies. With Material's instant navigation, pages arrive without a reload,
   so both are set up on every page Material announces through document$; with other themes, once the
   DOM is ready. */
(function () {
  "use strict";

  var EMPTY = "—";
  // One comparison serves every column of these tables: numeric collation orders "2 days" before
  // "10 days", ISO dates (fixed width) by date, versions as versions ("1.9" before "1.10") and text
  // alphabetically, ignoring case.
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  /* The text a cell sorts by: its data-sort attribute when it has one, else what it shows. */
  function sortKey(row, column) {
    var cell = row.cells[column];
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return (key === null ? cell.textContent : key).trim();
  }

  /* Signed comparison of two keys; empty cells ("—" or blank) go last whichever the direction. */
  function compare(a, b, direction) {
    var aEmpty = a === "" || a === EMPTY;
    var bEmpty = b === "" || b === EMPTY;
    if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
    var order = collator.compare(a, b);
    return direction === "descending" ? -order : order;
  }

  /* Order the rows of the table's body by the header's column: ascending first, then the reverse. */
  function sortBy(table, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var column = header.cellIndex;
    var direction = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return { row: row, key: sortKey(row, column), index: index };
    });
    rows.sort(function (x, y) {
      return compare(x.key, y.key, direction) || x.index - y.index;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) {
      if (cell === header) {
        cell.setAttribute("aria-sort", direction);
      } else {
        cell.removeAttribute("aria-sort");
      }
      var arrow = cell.querySelector(".sms-sort-arrow");
      if (arrow) arrow.textContent = cell === header ? (direction === "ascending" ? "▲" : "▼") : "↕";
    });
  }

  /* Put each header's words in a button that sorts by its column, with an arrow after it that shows the
     order (the order as built, when the template marks it with aria-sort); a table already set up is
     left alone. A click anywhere in the header cell sorts, as the button's own click bubbles to it. */
  function setUp(table) {
    if (table.hasAttribute("data-sms-sortable")) return;
    table.setAttribute("data-sms-sortable", "");
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (header) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sms-sort";
      button.title = "Sort by " + header.textContent.trim();
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      var arrow = document.createElement("span");
      arrow.className = "sms-sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      var order = header.getAttribute("aria-sort");
      arrow.textContent = order === "ascending" ? "▲" : order === "descending" ? "▼" : "↕";
      header.appendChild(arrow);
      header.addEventListener("click", function () { sortBy(table, header); });
    });
  }

  /* The words a scroll box is known by: its chart's title, else the heading above it. */
  function boxName(box) {
    var title = box.querySelector("svg > title");
    if (title) return title.textContent.trim();
    for (var node = box; node && node.tagName !== "ARTICLE"; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) return before.textContent.replace(/¶$/, "").trim();
      }
    }
    return document.title;
  }

  /* A box that scrolls sideways (its table or chart is wider than it) takes focus, as a region named
     after what it holds; one that fits does not, so that it adds no stop to the Tab order. */
  function markScrolling(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (box.getAttribute("tabindex") === "0") return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", boxName(box));
      box.setAttribute("data-sms-scrolls", "");
    } else if (box.hasAttribute("data-sms-scrolls")) {
      ["tabindex", "role", "aria-label", "data-sms-scrolls"].forEach(function (name) { box.removeAttribute(name); });
    }
  }

  function markAllScrolling() {
    Array.prototype.forEach.call(document.querySelectorAll(".sms-table, .sms-chart"), markScrolling);
  }

  /* Whether a coverage row passes the filters' current values. */
  function passes(row, form) {
    var status = row.getAttribute("data-status");
    var phase = row.getAttribute("data-phase") || "none";
    var gaps = form.elements.gaps;
    if (gaps.checked && gaps.getAttribute("data-gaps").split(" ").indexOf(status) < 0) return false;
    if (form.elements.status.value && form.elements.status.value !== status) return false;
    var chosen = form.elements.phase ? form.elements.phase.value : "";
    return !chosen || chosen === phase;
  }

  /* Show the coverage rows that pass the filters, hide the tables left empty, and say how many show. */
  function filter(form) {
    var rows = document.querySelectorAll(".sms-coverage tbody tr[data-status]");
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      row.hidden = !passes(row, form);
      if (!row.hidden) shown += 1;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".sms-coverage"), function (box) {
      box.hidden = !box.querySelector("tbody tr[data-status]:not([hidden])");
    });
    var count = form.querySelector(".sms-filters__count");
    count.textContent = shown === rows.length ? "" : "Showing " + shown + " of " + rows.length + " requirements";
  }

  /* The coverage page's filters: hidden in the page as built, so that without JavaScript every row shows. */
  function setUpFilters(form) {
    if (form.hasAttribute("data-sms-filters")) return;
    form.setAttribute("data-sms-filters", "");
    form.hidden = false;
    form.addEventListener("change", function () { filter(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    // The form's values go back to their defaults only after the reset event.
    form.addEventListener("reset", function () { setTimeout(function () { filter(form); }, 0); });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".sms-sortable table"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll("form.sms-filters"), setUpFilters);
    markAllScrolling();
  }

  // A box may start or stop scrolling when the window changes size, or when a disclosure opens.
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markAllScrolling, 100);
  });
  document.addEventListener("toggle", markAllScrolling, true);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();

/* mkdocs-sms: sortable tables and the coverage page's filters. A table inside an element with the class
   "sms-sortable" sorts by a column when its header is clicked, or focused and given Enter or Space;
   clicking again reverses the order. The coverage page's form (gaps only, by status, by phase) shows only
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
      if (arrow) arrow.textContent = cell === header ? (direction === "ascending" ? " ▲" : " ▼") : " ↕";
    });
  }

  /* Make the table's headers focusable sort controls; a table already set up is left alone. */
  function setUp(table) {
    if (table.hasAttribute("data-sms-sortable")) return;
    table.setAttribute("data-sms-sortable", "");
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (header) {
      header.tabIndex = 0;
      header.style.cursor = "pointer";
      header.title = "Sort by " + header.textContent.trim();
      var arrow = document.createElement("span");
      arrow.className = "sms-sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = " ↕";
      header.appendChild(arrow);
      header.addEventListener("click", function () { sortBy(table, header); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, header);
        }
      });
    });
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
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();

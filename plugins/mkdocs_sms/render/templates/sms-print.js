/* mkdocs-sms on paper: before printing, a document page's controlled-copy line gets the reader's date
   (ISO 8601, in the reader's time zone) and is copied, with the document's id, version and status, into
   the custom properties that the print stylesheet's page margins show on every sheet. Without JavaScript
   the margins say "Uncontrolled when printed." */
(function () {
  "use strict";

  function today() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate());
  }

  /* A CSS string of any text: quotes, backslashes and line breaks written as escapes. */
  function cssString(text) {
    return '"' + text.replace(/["\\\n\r]/g, function (c) { return "\\" + c.charCodeAt(0).toString(16) + " "; }) + '"';
  }

  function stamp() {
    var mark = document.querySelector(".sms-print-mark");
    var root = document.documentElement.style;
    if (!mark) {
      root.removeProperty("--sms-print-document");
      root.removeProperty("--sms-print-copy");
      return;
    }
    mark.textContent = "Uncontrolled when printed. Printed on " + today() + ".";
    root.setProperty("--sms-print-document", cssString(mark.getAttribute("data-sms-document") || ""));
    root.setProperty("--sms-print-copy", cssString(mark.textContent));
  }

  window.addEventListener("beforeprint", stamp);
})();

/* mkdocs-sms: search in a handbook opened from disk (file://). Chromium refuses to start a Web Worker
   from a page on file://, so Material's search would never answer there; Material's offline plugin
   would fetch a stand-in from the internet, which an intranet often cannot reach. This one comes with
   the site: on file:// pages it replaces Worker with a hidden frame of the same page that runs the
   worker's script and passes messages both ways, as a worker would. Elsewhere it does nothing. */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof EventTarget !== "function") return;

  class FrameWorker extends EventTarget {
    constructor(url) {
      super();
      var worker = this;
      this.waiting = [];
      this.frame = document.createElement("iframe");
      this.frame.hidden = true;
      this.frame.setAttribute("aria-hidden", "true");
      this.frame.tabIndex = -1;
      // A srcdoc frame shares this page's origin, so each side can reach the other directly.
      this.frame.srcdoc = "<!doctype html><title>search</title>";
      this.frame.addEventListener("load", function () {
        var scope = worker.frame.contentWindow;
        // The worker's script answers with postMessage(data): hand the data to this page's listeners.
        scope.postMessage = function (data) {
          setTimeout(function () { worker.dispatchEvent(new MessageEvent("message", { data: data })); }, 0);
        };
        var script = scope.document.createElement("script");
        script.src = new URL(url, location.href).href;
        script.onload = function () {
          worker.scope = scope;
          worker.waiting.splice(0).forEach(function (data) { worker.postMessage(data); });
        };
        scope.document.head.appendChild(script);
      }, { once: true });
      (document.body || document.documentElement).appendChild(this.frame);
    }

    /* Deliver a message to the worker's script, later, as a worker would; before it is loaded, queue it. */
    postMessage(data) {
      var scope = this.scope;
      if (!scope) {
        this.waiting.push(data);
        return;
      }
      setTimeout(function () { scope.dispatchEvent(new scope.MessageEvent("message", { data: data })); }, 0);
    }

    terminate() {
      this.frame.remove();
    }
  }

  window.Worker = FrameWorker;
})();

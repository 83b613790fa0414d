// Samspil front-end glue: the design system's components, and focus handling after HTMX swaps.
(function () {
  "use strict";

  function initDesignSystem() {
    if (window.DKFDS && typeof window.DKFDS.init === "function") {
      window.DKFDS.init();
    }
  }

  document.addEventListener("DOMContentLoaded", initDesignSystem);

  // After a partial update, move focus to the first error or the status message so screen-reader and
  // keyboard users learn what happened (WCAG 2.1: 3.3.1, 4.1.3).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var error = target.querySelector(".alert-error");
    if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
      return;
    }
    var message = document.querySelector("#messages .alert");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
  });
})();

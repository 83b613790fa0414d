// Samspil front-end glue: the design system's components, focus after HTMX updates, and failed requests.
(function () {
  "use strict";

  function initDesignSystem() {
    if (window.DKFDS && typeof window.DKFDS.init === "function") {
      window.DKFDS.init();
    }
  }

  function focusElement(element) {
    if (!element) {
      return false;
    }
    if (!element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return true;
  }

  document.addEventListener("DOMContentLoaded", initDesignSystem);

  // After a partial update, move focus to what changed so keyboard and screen-reader users learn what
  // happened (WCAG 2.1: 2.4.3, 3.3.1, 4.1.3): the error summary, else the status message, else the new content.
  // With an outerHTML swap the event's target is the removed element, so look the new one up by id.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.isConnected && !target.matches("#overview")) {
      // An inner swap (search results, a form loaded into a <details>, a CPR number): focus only what asks for it.
      focusElement(target.querySelector(".alert-error") || target.querySelector("[data-focus-after-swap]"));
      return;
    }
    var fresh = (target && target.id && document.getElementById(target.id)) || document;
    if (focusElement(fresh.querySelector(".alert-error"))) {
      return;
    }
    if (focusElement(fresh.querySelector("[data-focus-after-swap]"))) {
      return;
    }
    focusElement(fresh.querySelector("#messages .alert"));
  });

  // A request that failed (403, 500, no network) must not fail silently.
  function showFailure(text) {
    var box = document.getElementById("messages");
    if (!box) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-error mb-5";
    var body = document.createElement("div");
    body.className = "alert-body";
    var paragraph = document.createElement("p");
    paragraph.className = "alert-text";
    paragraph.textContent = text;
    body.appendChild(paragraph);
    alert.appendChild(body);
    box.replaceChildren(alert);
    focusElement(alert);
  }

  document.body.addEventListener("htmx:responseError", function () {
    showFailure(document.body.dataset.msgFailed || "The action was not saved. Reload the page and try again.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    showFailure(document.body.dataset.msgOffline || "No connection. Nothing was saved. Try again.");
  });
})();

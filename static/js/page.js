// Small behaviours every page shares, bound by data attributes instead of inline script or on*= handlers, so the
// Content-Security-Policy can allow scripts from our own files only (script-src 'self', aftersales/settings.py).
//   data-go-back            a button that goes back one page (error pages)
//   data-submit-on-change   a select that submits its form when changed (the language switch)
//   data-open-on-wide       a <details> open from the start on a wide screen (the filter bar), folded on a phone
//   form[data-confirm]      a form that asks its question before it is submitted
(function () {
  "use strict";

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-go-back]") : null;
    if (button) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("[data-submit-on-change]") && select.form) {
      select.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  function openOnWide(root) {
    if (!window.matchMedia("(min-width: 992px)").matches) {
      return;
    }
    (root.querySelectorAll ? root.querySelectorAll("details[data-open-on-wide]") : []).forEach(function (panel) {
      panel.open = true;
    });
  }

  ready(function () {
    openOnWide(document);
  });
  // Lists swapped in by htmx bring their own filter bar.
  document.addEventListener("htmx:afterSwap", function (event) {
    openOnWide(event.target);
  });
})();

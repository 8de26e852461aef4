// Slow actions (issuing a chargeback, building drafts or a list, building a report) take seconds: while one
// runs its form shows its "正在生成…" indicator and its button is disabled, so nobody clicks twice or wonders.
// htmx forms get this from hx-indicator / hx-disabled-elt; a plain form marked data-busy gets the same here
// (the htmx-request class is what shows the indicator, see static/css/aftersales.css).
(function () {
  "use strict";

  function buttons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type])");
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    // htmx prevents the default of the forms it sends itself; those need nothing from here.
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy") || event.defaultPrevented) return;
    form.classList.add("htmx-request");
    // After the submission has started, so a named button's value is still sent.
    window.setTimeout(function () {
      buttons(form).forEach(function (button) { button.disabled = true; });
    }, 0);
  });

  // Back to a page kept in the browser's cache: the form is usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.classList.remove("htmx-request");
      buttons(form).forEach(function (button) { button.disabled = false; });
    });
  });
})();

// The return form's units (add / remove a unit, copy the previous unit's style) and its one-time token kept across
// Back (templates/cases/return_form.html); a static file so the Content-Security-Policy allows it.
(function () {
  // Back after logging brings this form back refilled by the browser but fetched anew, with a new one-time
  // token: give it the token it was submitted with, so submitting it again logs nothing twice.
  const token = document.querySelector("#return-form [name=form_token]");
  const navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (token && window.sessionStorage) {
    const submitted = sessionStorage.getItem("return-form-token");
    if (submitted && navigation && navigation.type === "back_forward") { token.value = submitted; }
    document.getElementById("return-form").addEventListener("submit", function () {
      sessionStorage.setItem("return-form-token", token.value);
    });
  }
  const total = document.getElementById("id_unit-TOTAL_FORMS");
  const max = parseInt(document.getElementById("id_unit-MAX_NUM_FORMS").value, 10);
  const list = document.getElementById("unit-forms");
  const template = document.getElementById("unit-template");
  document.getElementById("add-unit").addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    if (index >= max) { return; }
    const html = template.innerHTML.replace(/__prefix__/g, index).replace(/__index__/g, index + 1);
    list.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    const added = list.lastElementChild;
    // The new unit starts as a copy of the previous one's style, colour and year: a receipt is often one style.
    const previous = list.children[list.children.length - 2];
    if (previous) {
      ["style", "color", "production_year", "batch_no"].forEach(function (name) {
        const from = previous.querySelector("[name$='-" + name + "']");
        const to = added.querySelector("[name$='-" + name + "']");
        if (from && to) { to.value = from.value; }
      });
    }
    if (window.htmx) { htmx.process(added); }
  });
  document.getElementById("remove-unit").addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    if (index <= 1) { return; }
    list.lastElementChild.remove();
    total.value = index - 1;
  });
})();

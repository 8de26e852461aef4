// Tick-box drop-downs (.checklist, aftersales/widgets.py and the filter bar): the closed box names what is ticked,
// and a tap outside an open one closes it, as a <select> would. Without JavaScript they still work as <details>.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var list = event.target.closest && event.target.closest("details.checklist");
    if (!list) return;
    var names = [];
    list.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      var label = list.querySelector("label[for='" + box.id + "']");
      if (label) names.push(label.textContent.trim());
    });
    var summary = list.querySelector("summary");
    summary.textContent = names.length ? names.join("、") : summary.dataset.emptyText || "";
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.checklist[open]").forEach(function (list) {
      if (!list.contains(event.target)) list.open = false;
    });
  });
})();

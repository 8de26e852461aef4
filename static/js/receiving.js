// The receiving checklist 签收 on a shipment's page (templates/cases/partials/_receive_fields.html):
// - 全选 ticks or clears every unit, and shows how many are ticked;
// - the scan box ticks the unit whose return number a keyboard-wedge scanner (or a person) types; the
//   scanner's closing Enter never submits (the box is outside the form, and Enter is swallowed here too);
// - a receipt that leaves units unticked asks first, naming how many will be recorded missing, and sends
//   confirm_missing only when the technician says yes. The server refuses without it: this is the comfort,
//   the form's validation is the safety net.
// Listeners sit on the document, so the panel that htmx swaps in after each action needs nothing re-bound.
(function () {
  "use strict";

  function boxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".receive-checklist input[type=checkbox]"));
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function refresh(form) {
    var all = boxes(form);
    var ticked = all.filter(function (box) { return box.checked; }).length;
    var selectAll = form.querySelector("[data-select-all]");
    if (selectAll) {
      selectAll.checked = all.length > 0 && ticked === all.length;
      selectAll.indeterminate = ticked > 0 && ticked < all.length;
    }
    var count = form.querySelector("[data-tick-count]");
    if (count) {
      count.textContent = fill(form.dataset.countTemplate || "{ticked} / {total}", { ticked: ticked, total: all.length });
    }
  }

  function scanRowOf(form) {
    var details = form.closest("details");
    return details ? details.querySelector("[data-scan-row]") : null;
  }

  function formOfScanRow(row) {
    var details = row.closest("details");
    return details ? details.querySelector("form[data-receive-form]") : null;
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var forms = Array.prototype.slice.call(scope.querySelectorAll("form[data-receive-form]"));
    if (scope.matches && scope.matches("form[data-receive-form]")) {
      forms.push(scope);
    }
    forms.forEach(function (form) {
      // The script-driven controls are hidden in the HTML, so a page without script shows none that do nothing.
      var selectAllRow = form.querySelector("[data-select-all-row]");
      if (selectAllRow) {
        selectAllRow.hidden = false;
      }
      var scanRow = scanRowOf(form);
      if (scanRow) {
        scanRow.hidden = false;
      }
      refresh(form);
    });
  }

  function say(row, text, tone) {
    var feedback = row.querySelector("[data-scan-feedback]");
    if (!feedback) {
      return;
    }
    feedback.textContent = text;
    feedback.className = "small mt-1 " + (tone === "bad" ? "text-danger" : tone === "again" ? "text-muted" : "text-success");
    feedback.dataset.tone = tone;
  }

  function normalise(value) {
    return String(value || "").trim().toUpperCase();
  }

  // Which unit a scanned or typed value names: the whole return number, or (typed by hand, on Enter) the
  // end of exactly one number, such as its running part "000123".
  function findRow(form, value, allowSuffix) {
    var rows = Array.prototype.slice.call(form.querySelectorAll(".receive-checklist [data-number]"));
    var exact = rows.filter(function (row) { return normalise(row.dataset.number) === value; });
    if (exact.length === 1 || !allowSuffix || value.length < 3) {
      return exact[0] || null;
    }
    var ends = rows.filter(function (row) { return normalise(row.dataset.number).slice(-value.length) === value; });
    return ends.length === 1 ? ends[0] : null;
  }

  function scan(box, finished) {
    var row = box.closest("[data-scan-row]");
    var form = row ? formOfScanRow(row) : null;
    var value = normalise(box.value);
    if (!form || !value) {
      return;
    }
    var match = findRow(form, value, finished);
    if (!match) {
      if (finished) {
        say(row, fill(row.dataset.msgUnknown, { number: box.value.trim() }), "bad");
        box.value = "";
      }
      return;
    }
    var checkbox = match.querySelector("input[type=checkbox]");
    var number = match.dataset.number;
    if (checkbox.checked) {
      say(row, fill(row.dataset.msgAgain, { number: number }), "again");
    } else {
      checkbox.checked = true;
      checkbox.dispatchEvent(new Event("change", { bubbles: true }));
      say(row, fill(row.dataset.msgTicked, { number: number }), "ok");
    }
    box.value = "";
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.closest && target.closest("form[data-receive-form]");
    if (!form) {
      return;
    }
    if (target.matches("[data-select-all]")) {
      boxes(form).forEach(function (box) { box.checked = target.checked; });
    }
    refresh(form);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-scan-box]")) {
      event.preventDefault();
      scan(event.target, true);
    }
  });

  // A scanner types the whole number: tick as soon as it is complete, before its Enter arrives.
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-scan-box]")) {
      scan(event.target, false);
    }
  });

  // Capture phase: ask before htmx (listening on the form itself) sends anything.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-receive-form]")) {
        return;
      }
      var unticked = boxes(form).filter(function (box) { return !box.checked; }).length;
      var confirmBox = form.querySelector("input[name=confirm_missing]");
      if (!unticked || !confirmBox || confirmBox.checked) {
        return;
      }
      var question = unticked === 1 ? form.dataset.confirmOne : fill(form.dataset.confirmMany, { count: unticked });
      if (window.confirm(question)) {
        confirmBox.checked = true;
      } else {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();

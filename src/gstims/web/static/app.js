// gstims dashboard: select-all, the selected count, and confirm dialogs. Everything works
// without it; it only saves clicks.
(function () {
  "use strict";

  function picks(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="pick"]'));
  }

  function showCount(form) {
    var out = document.getElementById("selected-count");
    if (out) out.textContent = String(picks(form).filter(function (p) { return p.checked; }).length);
  }

  function howMany(form) {
    var scope = form.querySelector('input[name="scope"]:checked');
    if (scope && scope.value === "matching") return Number(form.dataset.total || 0);
    return picks(form).filter(function (p) { return p.checked; }).length;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bulk = document.getElementById("bulk");
    var all = document.getElementById("pick-all");
    if (bulk && all) {
      all.addEventListener("change", function () {
        picks(bulk).forEach(function (p) { p.checked = all.checked; });
        showCount(bulk);
      });
      bulk.addEventListener("change", function (event) {
        if (event.target.name === "pick") {
          var boxes = picks(bulk);
          all.checked = boxes.length > 0 && boxes.every(function (p) { return p.checked; });
          showCount(bulk);
        }
      });
      showCount(bulk);
    }

    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.dataset.confirm) return;
      var form = event.target;
      var text = button.dataset.confirm;
      if (form.id === "bulk") {
        var n = howMany(form);
        if (n === 0) {
          event.preventDefault();
          window.alert("Select some rows, or choose all records matching the filter.");
          return;
        }
        text += " " + n + " record" + (n === 1 ? "" : "s") + "?";
      }
      if (!window.confirm(text)) event.preventDefault();
    });
  });
})();

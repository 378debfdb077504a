// The running total of part B of the self-assessment form (Mẫu 01, 2A, 2B, 2C): sums the points
// typed per criterion, per group (general 30, results 70) and in all, and shows the level those
// points give (bottoms from the form's data attributes, inclusive). A point is typed as the page
// writes it, «4,5» or «4.5» (a text box: a number box drops the comma). No dependency.
(function () {
  "use strict";
  function parse(text) {
    var value = parseFloat(String(text).trim().replace(",", "."));
    return isNaN(value) ? 0 : value;
  }
  function show(value) {
    return (Math.round(value * 100) / 100).toString().replace(".", ",");
  }
  function update(form) {
    var sums = { general: 0, tasks: 0 };
    form.querySelectorAll("input[data-points]").forEach(function (input) {
      var value = parse(input.value);
      var max = parse(input.dataset.max);
      var bad = value < 0 || value > max;
      input.classList.toggle("field-invalid", bad);
      if (!bad) sums[input.dataset.section] += value;
    });
    var total = sums.general + sums.tasks;
    var level = form.dataset.levelNotCompleted;
    if (total >= parse(form.dataset.excellent)) level = form.dataset.levelExcellent;
    else if (total >= parse(form.dataset.good)) level = form.dataset.levelGood;
    else if (total >= parse(form.dataset.completed)) level = form.dataset.levelCompleted;
    document.getElementById("total-general").textContent = show(sums.general);
    document.getElementById("total-tasks").textContent = show(sums.tasks);
    document.getElementById("total-all").textContent = show(total);
    document.getElementById("level-by-points").textContent = level;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("self-form");
    if (!form) return;
    form.addEventListener("input", function () { update(form); });
    update(form);
  });
})();

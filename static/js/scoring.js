// Score entry: the running total and the number of items answered, updated as tiles are tapped.
// The server computes the stored total; this is only what the nurse sees while entering.
(function () {
  "use strict";
  function update(form) {
    var total = 0;
    var answered = 0;
    form.querySelectorAll("fieldset.score-item").forEach(function (fieldset) {
      var checked = fieldset.querySelector("input[type=radio]:checked");
      fieldset.classList.toggle("answered", Boolean(checked));
      if (checked) {
        total += parseInt(checked.value, 10);
        answered += 1;
      }
    });
    var output = form.querySelector("#running-total");
    if (output) { output.textContent = String(total); }
    var count = form.querySelector("#answered-count");
    if (count) { count.textContent = String(answered); }
  }
  function init() {
    document.querySelectorAll("form[data-score-form]").forEach(function (form) {
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

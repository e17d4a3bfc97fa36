// Behaviour every page may use, bound here because the Content Security Policy allows no inline
// event handlers (onclick="…"): mark an element with data-action and it does the action.
//   data-action="print": print the page (the browser's print dialog).
(function () {
  "use strict";
  var actions = {
    print: function () { window.print(); }
  };
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    if (!target) { return; }
    var action = actions[target.getAttribute("data-action")];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();

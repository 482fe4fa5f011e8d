// Live show/hide of the questions that depend on an earlier answer (`show_if`), on the page
// with every question. Without this file the server decides after each save: same result.
(function () {
  "use strict";
  var form = document.getElementById("answers-form");
  if (!form) { return; }
  var shown = document.getElementById("shown");
  var fields = Array.prototype.slice.call(form.querySelectorAll(".field"));

  function chosen(questionId) {
    var inputs = form.querySelectorAll("[name='a_" + questionId + "']:checked");
    return Array.prototype.map.call(inputs, function (input) { return input.value; });
  }

  function visible(field) {
    var target = field.getAttribute("data-show-if");
    if (!target) { return true; }
    var parent = document.getElementById("q-" + target);
    if (parent && !visible(parent)) { return false; }
    var wanted = field.getAttribute("data-show-in").split(" ");
    return chosen(target).some(function (value) { return wanted.indexOf(value) >= 0; });
  }

  function update() {
    var ids = [];
    fields.forEach(function (field) {
      var on = visible(field);
      field.hidden = !on;
      if (on) { ids.push(field.id.slice(2)); }
    });
    shown.value = ids.join(" ");
  }

  form.addEventListener("change", update);
  update();
}());

// Upload progress for large rosters: htmx reports the bytes sent; the check itself shows the
// busy indicator. No inline scripts (a strict Content-Security-Policy can forbid them).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-progress]") : null;
  if (!form || !event.detail.lengthComputable) { return; }
  var bar = document.getElementById(form.dataset.progress);
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});

// Confirmation before destructive or irreversible steps: data-confirm on a form or a button
// (instead of inline onsubmit/onclick handlers, which the Content-Security-Policy forbids).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.dataset && button.dataset.confirm) || (form.dataset && form.dataset.confirm);
  if (text && !window.confirm(text)) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);

// A <select data-autosubmit> submits its form when changed (filters).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) { field.form.submit(); }
});

// The claim form shows the facts of the chosen claim type only (fields marked data-kinds); a
// hidden field is also disabled, so a value typed before the type changed is not sent.
function showFactsFor(select) {
  var kind = select.value;
  select.form.querySelectorAll("[data-kinds]").forEach(function (input) {
    var hide = input.dataset.kinds.split(" ").indexOf(kind) < 0;
    var box = input.closest(".field") || input;
    box.hidden = hide;
    input.disabled = hide;
  });
}
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[name=kind]") && field.form) { showFactsFor(field); }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[name=kind]").forEach(function (select) {
    if (select.form && select.form.querySelector("[data-kinds]")) { showFactsFor(select); }
  });
});

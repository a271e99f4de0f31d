// KAM UI behaviour. The pages work without it; it only adds confirmations, focus, the account
// team editor's add and remove buttons, and keeps lookups' hidden ids in step with their text.
// It is a file (not inline) because the CSP allows scripts from 'self' only.
(function () {
  "use strict";
  // Ask before destructive forms (data-confirm holds the translated question).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
      }
    }
  }, true);

  // Lookups (data-lookup names the hidden input of the id): the text names a record, the hidden
  // input holds the id of the suggestion picked. Text that matches no suggestion clears the id,
  // and the server resolves the text (a name or an id) itself. The text the form came with keeps
  // the id it came with.
  function syncLookup(input) {
    var hidden = document.getElementById(input.dataset.lookup);
    if (!hidden) { return; }
    var text = input.value;
    if (text === input.defaultValue) {
      hidden.value = hidden.dataset.initial || "";
      return;
    }
    hidden.value = "";
    var list = input.list;
    if (!list || text.trim() === "") { return; }
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === text) {
        hidden.value = list.options[i].dataset.id || "";
        return;
      }
    }
  }
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLInputElement && el.dataset.lookup) { syncLookup(el); }
  });
  // New suggestions may arrive after the text was typed in full.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var list = ev.target;
    if (list instanceof HTMLDataListElement) {
      var input = document.querySelector('input[list="' + list.id + '"][data-lookup]');
      if (input) { syncLookup(input); }
    }
  });

  // The account team editor: rows of user and role. Without script the form carries spare empty
  // rows; with it, empty spare rows go and buttons add and remove rows.
  function teamRow(btn) {
    var el = btn;
    while (el && el.tagName !== "TR") { el = el.parentElement; }
    return el;
  }
  function initTeam(table) {
    var spare = table.querySelectorAll("tr[data-spare]");
    for (var i = 0; i < spare.length; i++) {
      var user = spare[i].querySelector('select[name="team_user"]');
      if (user && user.value === "") { spare[i].remove(); }
    }
    var buttons = table.querySelectorAll("[data-team-remove]");
    for (var j = 0; j < buttons.length; j++) { buttons[j].hidden = false; }
    var add = document.querySelector('[data-team-add="' + table.id + '"]');
    if (add) { add.hidden = false; }
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target;
    if (!(el instanceof Element)) { return; }
    var remove = el.closest("[data-team-remove]");
    if (remove) {
      var row = teamRow(remove);
      var next = row && (row.nextElementSibling || row.previousElementSibling);
      if (row) { row.remove(); }
      var focus = next ? next.querySelector("select") : null;
      if (focus) { focus.focus(); }
      return;
    }
    var add = el.closest("[data-team-add]");
    if (add) {
      var table = document.getElementById(add.dataset.teamAdd);
      var blank = document.getElementById(add.dataset.teamAdd + "-blank");
      if (!table || !blank) { return; }
      var fresh = blank.content.firstElementChild.cloneNode(true);
      fresh.querySelector("[data-team-remove]").hidden = false;
      table.tBodies[0].appendChild(fresh);
      fresh.querySelector("select").focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var teams = document.querySelectorAll("table[data-team]");
    for (var i = 0; i < teams.length; i++) { initTeam(teams[i]); }
    // Put the cursor on the first field with an error, so the user can fix it at once.
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); }
  });
})();

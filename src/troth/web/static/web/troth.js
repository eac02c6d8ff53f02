// troth: the few bits of behaviour htmx does not cover. No framework, no build.
(function () {
  "use strict";

  // Copy a draft to the clipboard: <button data-copy="#selector">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var status = button.parentElement.querySelector(".copied");
    var text = source.value !== undefined ? source.value : source.textContent;
    function said(message) { if (status) status.textContent = message; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { said("Copied."); },
        function () { source.select(); said("Select all and copy (Ctrl+C)."); }
      );
    } else {
      source.select();
      try { document.execCommand("copy"); said("Copied."); } catch (e) { said("Press Ctrl+C to copy."); }
    }
  });

  // A header checkbox ticks every row's box: <input data-check-all="ids">.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-check-all]");
    if (!all) return;
    var name = all.getAttribute("data-check-all");
    var table = all.closest("table") || document;
    table.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // Searches leave empty filters out of the address (it is pushed to the history).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") delete params[key];
    });
  });

  // "/" jumps to the people search from anywhere (not while typing).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var search = document.querySelector("[data-search]");
    event.preventDefault();
    if (search) { search.focus(); search.select(); }
    else { window.location.href = "/people/"; }
  });
})();

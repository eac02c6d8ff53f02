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

  // A link that opens a folded panel: <a href="#edit" data-open="edit">.
  function openPanel(id, focus) {
    var panel = document.getElementById(id);
    if (!panel) return false;
    panel.open = true;
    panel.scrollIntoView({ block: "start" });
    var first = focus && panel.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    // a panel whose content loads when it opens (the Person page's edit form): its
    // first field takes the focus once it is there
    else if (focus && panel.hasAttribute("hx-get")) panel.setAttribute("data-focus-loaded", "");
    return true;
  }
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-focus-loaded]").forEach(function (panel) {
      var first = panel.querySelector("input:not([type=hidden]), select, textarea");
      if (!first) return;
      panel.removeAttribute("data-focus-loaded");
      first.focus();
    });
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-open]");
    if (link && openPanel(link.getAttribute("data-open"), true)) event.preventDefault();
  });

  // On a phone the People list comes first: its extra filters start folded unless
  // one of them is in use (the server leaves data-narrow-closed off then).
  if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
    document.querySelectorAll("details[data-narrow-closed]").forEach(function (d) { d.open = false; });
  }

  // Keyboard shortcuts (never while typing): "/" search people, "g t" Today,
  // "g p" People, "j"/"k" next/previous agenda item, "l" log an interaction and "e"
  // edit the details on a person's page, "?" this list. "/" finds a search box on
  // every page (the header's, or People's own), so what is typed next lands in it.
  var pending = "";
  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function moveItem(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll("ol.agenda > li"));
    if (!items.length) return;
    var current = items.findIndex(function (li) { return li.contains(document.activeElement); });
    var next = items[Math.max(0, Math.min(items.length - 1, current + step))];
    var target = next.querySelector(".who") || next;
    target.focus();
    next.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (pending === "g") {
      pending = "";
      if (key === "t") { window.location.href = "/"; event.preventDefault(); }
      else if (key === "p") { window.location.href = "/people/"; event.preventDefault(); }
      else if (key === "i") { window.location.href = "/intros/"; event.preventDefault(); }
      else if (key === "n") { window.location.href = "/needs/"; event.preventDefault(); }
      return;
    }
    if (key === "g") { pending = "g"; setTimeout(function () { pending = ""; }, 1500); return; }
    if (key === "/") {
      event.preventDefault();
      var search = document.querySelector("[data-search]");
      if (search) { search.focus(); search.select(); } else { window.location.href = "/people/"; }
    } else if (key === "j" || key === "k") {
      moveItem(key === "j" ? 1 : -1);
    } else if (key === "l") {
      var panel = document.querySelector("#quick-log");
      if (panel) {
        event.preventDefault();
        panel.closest("details").open = true;
        var first = panel.querySelector("select, textarea, input:not([type=hidden])");
        if (first) first.focus();
      }
    } else if (key === "e") {
      if (openPanel("edit", true)) event.preventDefault();
    } else if (key === "?") {
      var help = document.getElementById("shortcuts");
      if (help && help.showModal) help.showModal();
    }
  });
})();

/* The handbook site's only script (deferred): the chapter menu on narrow screens, the page's
   table of contents, the colour theme and the search shortcut. Without it every page still
   reads: the chapter list shows as a sidebar on wide screens, the page contents open as a
   native <details>, and the search link goes to the search page. */
(function () {
  "use strict";
  var root = document.documentElement;
  var wide = window.matchMedia("(min-width: 64em)");
  var wideToc = window.matchMedia("(min-width: 80em)");

  /* --- The chapter menu: a modal dialog with a copy of the sidebar's list --------------- */
  var button = document.getElementById("handbook-menu-button");
  var dialog = document.getElementById("handbook-menu");
  var nav = document.getElementById("handbook-nav");
  if (button && dialog && nav && typeof dialog.showModal === "function") {
    var body = dialog.querySelector(".handbook-menu-body");
    var close = dialog.querySelector(".handbook-menu-close");
    var fill = function () {
      if (body.firstChild) return;
      var copy = nav.cloneNode(true);
      copy.removeAttribute("id");
      copy.removeAttribute("class");
      copy.setAttribute("aria-labelledby", "handbook-menu-title");
      copy.removeAttribute("aria-label");
      body.appendChild(copy);
    };
    var open = function () {
      fill();
      dialog.showModal();
      button.setAttribute("aria-expanded", "true");
      var current = dialog.querySelector("[aria-current='page'], li.current > a");
      (current || dialog.querySelector("a[href]") || close).focus();
    };
    button.addEventListener("click", open);
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      button.setAttribute("aria-expanded", "false");
      button.focus();
    });
    // A tap on the backdrop (outside the panel) closes the menu.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    // Leaving for a wide layout, where the sidebar shows the same list.
    wide.addEventListener("change", function (event) {
      if (event.matches && dialog.open) dialog.close();
    });
  }

  /* --- The page's table of contents: open beside the text on wide screens -------------- */
  var toc = document.getElementById("handbook-page-toc-details");
  if (toc) {
    var summary = toc.querySelector("summary");
    // Beside the text it stays open: its summary is then a heading, not a control.
    var place = function () {
      toc.open = wideToc.matches;
      summary.tabIndex = wideToc.matches ? -1 : 0;
    };
    summary.addEventListener("click", function (event) {
      if (wideToc.matches) event.preventDefault();
    });
    place();
    wideToc.addEventListener("change", place);
  }

  /* --- Colour theme: the system's, until the reader chooses ------------------------------ */
  var themeButton = document.getElementById("handbook-theme-button");
  if (themeButton) {
    // One name, „Ciemny motyw”, pressed or not: a toggle button's name does not change.
    var show = function () {
      var dark = root.dataset.theme === "dark";
      themeButton.setAttribute("aria-pressed", dark ? "true" : "false");
      themeButton.querySelector("use").setAttribute("href", dark ? "#ikona-slonce" : "#ikona-ksiezyc");
    };
    show();
    themeButton.addEventListener("click", function () {
      var next = root.dataset.theme === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("handbook-theme", next); } catch (e) { /* private mode */ }
      show();
    });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function (event) {
      var chosen = null;
      try { chosen = localStorage.getItem("handbook-theme"); } catch (e) { /* private mode */ }
      if (!chosen) { root.dataset.theme = event.matches ? "dark" : "light"; show(); }
    });
  }

  /* --- Search: Ctrl+K or "/" goes to the search page (or its field) ---------------------- */
  var searchLink = document.querySelector(".handbook-search-button");
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    var shortcut = ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") || (event.key === "/" && !typing);
    if (!shortcut) return;
    var field = document.querySelector(".pagefind-ui__search-input");
    if (field) { event.preventDefault(); field.focus(); return; }
    if (searchLink) { event.preventDefault(); window.location.href = searchLink.href; }
  });
})();

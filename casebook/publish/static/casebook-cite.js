// Claim markers (casebook/publish/citations.py): each opens its evidence panel, a native
// popover, which needs no script. This only makes Escape close an open panel from anywhere
// inside it and hands the focus back to its marker: Sphinx's sphinx_highlight.js cancels
// Escape on links (to clear search highlights), which would keep the panel open.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector(".casebook-evidence:popover-open");
    if (!open) return;
    open.hidePopover();
    var marker = document.querySelector('button.casebook-cite[popovertarget="' + open.id + '"]');
    if (marker) marker.focus();
    event.stopImmediatePropagation();
  }, true);
})();

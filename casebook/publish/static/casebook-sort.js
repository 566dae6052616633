// Sortable tables (class casebook-sortable): each column heading becomes a button that
// sorts the rows by that column, ascending then descending; aria-sort tells screen readers.
// Numbers ("3", "E12") sort as numbers, anything else as text. Nothing is fetched.
(function () {
  "use strict";
  function key(cell) {
    var text = cell.textContent.trim();
    var number = /^E?(\d+)$/.exec(text);
    return number ? { n: parseInt(number[1], 10), t: text } : { n: null, t: text.toLowerCase() };
  }
  function compare(a, b) {
    if (a.n !== null && b.n !== null) return a.n - b.n;
    if (a.n !== null) return -1;
    if (b.n !== null) return 1;
    return a.t.localeCompare(b.t);
  }
  function sortable(table) {
    var heads = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    heads.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var order = compare(key(r.cells[column]), key(s.cells[column]));
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      });
    });
  }
  document.querySelectorAll("table.casebook-sortable").forEach(sortable);
})();

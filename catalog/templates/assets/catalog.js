/* Catalog tables: click-to-sort headers and model filters. The pages are complete
   without this file; it only adds interaction. No dependencies, no network. */
(function () {
  "use strict";

  /* "$1,500.00" -> 1500, "Free" -> 0, "—" -> null: numbers are read from what is shown. */
  function numberOf(text) {
    if (text === "Free") {
      return 0;
    }
    var n = parseFloat(text.replace(/[^0-9.]/g, ""));
    return isNaN(n) ? null : n;
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) {
      return null;
    }
    var text = cell.textContent.trim();
    if (numeric) {
      return numberOf(text);
    }
    return text === "\u2014" ? null : text.toLowerCase();
  }

  function sortBy(table, th, index) {
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i++) {
      headers[i].removeAttribute("aria-sort");
    }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric);
      var y = cellValue(b, index, numeric);
      if (x === y) {
        return 0;
      }
      if (x === null) {
        return 1; /* unknown values stay last in both directions */
      }
      if (y === null) {
        return -1;
      }
      var c = numeric ? x - y : x.localeCompare(y);
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function enableSorting(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, index); });
    });
  }

  function keys(row, name) {
    var value = row.getAttribute(name) || "";
    return value === "" ? [] : value.split(" ");
  }

  /* Rows carry the positions of their author, providers and modalities among the
     options of the filter menus (data-a, data-p, data-m). */
  function enableFilters(form, table) {
    var blendedColumn = 4;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).map(function (row) {
      return {
        row: row,
        author: keys(row, "data-a"),
        providers: keys(row, "data-p"),
        modalities: keys(row, "data-m"),
        free: row.hasAttribute("data-free"),
        blended: cellValue(row, blendedColumn, true)
      };
    });
    var count = document.getElementById("f-count");
    function apply() {
      var f = form.elements;
      var max = f.max.value === "" ? NaN : parseFloat(f.max.value);
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!f.author.value || r.author.indexOf(f.author.value) >= 0) &&
          (!f.provider.value || r.providers.indexOf(f.provider.value) >= 0) &&
          (!f.modality.value || r.modalities.indexOf(f.modality.value) >= 0) &&
          (!f.free.checked || r.free) &&
          (isNaN(max) || (r.blended !== null && r.blended <= max));
        r.row.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      count.textContent = "Showing " + shown + " of " + rows.length + " models.";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    form.hidden = false;
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enableSorting);
  var form = document.getElementById("filters");
  var table = document.getElementById("models");
  if (form && table) {
    enableFilters(form, table);
  }
})();

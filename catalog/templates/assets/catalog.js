/* Catalog tables: click-to-sort headers, model filters, the whole models table on one
   page, and search. The pages are complete without this file; it only adds interaction.
   No dependencies; it loads nothing but this site's own files. Scraped text is only
   ever set as textContent, never parsed as HTML. */
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
    var keyed = Array.prototype.map.call(body.rows, function (r, n) {
      return { row: r, key: cellValue(r, index, numeric), n: n };
    });
    keyed.sort(function (a, b) {
      var x = a.key;
      var y = b.key;
      if (x === y) {
        return a.n - b.n;
      }
      if (x === null) {
        return 1; /* unknown values stay last in both directions */
      }
      if (y === null) {
        return -1;
      }
      var c = numeric ? x - y : x.localeCompare(y);
      return (ascending ? c : -c) || a.n - b.n;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    body.appendChild(fragment);
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

  function cell(tag, text, href) {
    var c = document.createElement(tag);
    if (tag === "th") {
      c.scope = "row";
    }
    if (href) {
      var a = document.createElement("a");
      a.setAttribute("href", href);
      a.textContent = text;
      c.appendChild(a);
    } else {
      c.textContent = text;
    }
    return c;
  }

  /* Rows of api/table.json, in the order of TABLE_COLUMNS (catalog/render/api.py). */
  function rowFrom(d) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-a", d[11]);
    tr.setAttribute("data-p", d[12]);
    tr.setAttribute("data-m", d[13]);
    if (d[14]) {
      tr.setAttribute("data-free", "");
    }
    tr.appendChild(cell("th", d[0], d[1]));
    tr.appendChild(cell("td", d[2], d[3]));
    for (var i = 4; i <= 10; i++) {
      tr.appendChild(cell("td", String(d[i])));
    }
    return tr;
  }

  /* A paginated index: show every model in this one table, from api/table.json. */
  function loadWholeTable(table, done) {
    var src = table.getAttribute("data-src");
    if (!src || !window.fetch) {
      done();
      return;
    }
    fetch(src).then(function (r) {
      if (!r.ok) {
        throw new Error(src + ": HTTP " + r.status);
      }
      return r.json();
    }).then(function (data) {
      var body = document.createElement("tbody");
      data.rows.forEach(function (d) { body.appendChild(rowFrom(d)); });
      table.replaceChild(body, table.tBodies[0]);
      table.caption.textContent = "Every model (" + data.rows.length +
        "), with its lowest prices per 1M tokens in US dollars";
      Array.prototype.forEach.call(document.querySelectorAll(".pager"), function (p) {
        p.hidden = true;
      });
      done();
    }).catch(function () {
      done(); /* the page still shows its own rows and links to the others */
    });
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
    function bound(input) {
      return input.value === "" ? NaN : parseFloat(input.value);
    }
    function apply() {
      var f = form.elements;
      var min = bound(f.min);
      var max = bound(f.max);
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!f.author.value || r.author.indexOf(f.author.value) >= 0) &&
          (!f.provider.value || r.providers.indexOf(f.provider.value) >= 0) &&
          (!f.modality.value || r.modalities.indexOf(f.modality.value) >= 0) &&
          (!f.free.checked || r.free) &&
          (isNaN(min) || (r.blended !== null && r.blended >= min)) &&
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

  /* Search with the Pagefind index the build wrote under pagefind/. */
  function enableSearch(form) {
    var results = document.getElementById("search-results");
    var input = document.getElementById("q");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var url = new URL(form.getAttribute("data-pagefind"), document.baseURI).href;
    var siteRoot = new URL(".", document.baseURI).pathname;
    var timer = null;
    var latest = 0;
    import(url).then(function (pagefind) {
      pagefind.options({ baseUrl: siteRoot });
      form.hidden = false;
      pagefind.filters().then(function (filters) {
        selects.forEach(function (select) {
          var values = Object.keys(filters[select.getAttribute("data-filter")] || {}).sort();
          values.forEach(function (v) {
            var option = document.createElement("option");
            option.value = v;
            option.textContent = v;
            select.appendChild(option);
          });
        });
      });
      function show(found, total, query) {
        results.textContent = "";
        var status = document.createElement("p");
        status.textContent = total + (total === 1 ? " model" : " models") + " found" +
          (query ? " for \u201c" + query + "\u201d" : "") +
          (total > found.length ? "; the first " + found.length + " are listed." : ".");
        results.appendChild(status);
        var list = document.createElement("ol");
        found.forEach(function (data) {
          var item = document.createElement("li");
          var a = document.createElement("a");
          a.setAttribute("href", data.url);
          a.textContent = (data.meta && data.meta.title) || data.url;
          item.appendChild(a);
          var excerpt = document.createElement("p");
          excerpt.textContent = (data.excerpt || "").replace(/<[^>]*>/g, "");
          item.appendChild(excerpt);
          list.appendChild(item);
        });
        results.appendChild(list);
      }
      function run() {
        var query = input.value.trim();
        var filters = {};
        selects.forEach(function (select) {
          if (select.value) {
            filters[select.getAttribute("data-filter")] = select.value;
          }
        });
        var ticket = ++latest;
        if (!query && !Object.keys(filters).length) {
          results.textContent = "";
          return;
        }
        pagefind.search(query || null, { filters: filters }).then(function (search) {
          var total = search.results.length;
          return Promise.all(search.results.slice(0, 20).map(function (r) {
            return r.data();
          })).then(function (found) { return { found: found, total: total }; });
        }).then(function (r) {
          if (ticket === latest) {
            show(r.found, r.total, query);
          }
        });
      }
      form.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(run, 150);
      });
      form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    }).catch(function () {
      form.hidden = true; /* no index: the table and filters remain */
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enableSorting);
  var form = document.getElementById("filters");
  var table = document.getElementById("models");
  if (form && table) {
    loadWholeTable(table, function () { enableFilters(form, table); });
  }
  var searchForm = document.getElementById("search");
  if (searchForm && window.URL) {
    enableSearch(searchForm);
  }
})();

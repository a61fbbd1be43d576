// Dalil statistics page: reads the statistics API with the token kept in sessionStorage and
// draws SVG charts. No dependencies, no network access beyond this server's API.
(function () {
  "use strict";

  var API = "/api/v1";
  var TOKEN_KEY = "dalil.statsToken";
  var SVG_NS = "http://www.w3.org/2000/svg";
  // Okabe-Ito based, darkened where needed for 3:1 contrast against white.
  var COLOURS = ["#0072B2", "#D55E00", "#007A5E", "#B5487F", "#8A6100", "#6A3D9A",
                 "#444444", "#A6293A"];
  var minCount = 5;

  function $(id) { return document.getElementById(id); }

  function el(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function svg(name, attributes, text) {
    var node = document.createElementNS(SVG_NS, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function label(value) {
    return value === null || value === undefined ? "(none)" : String(value).replace(/_/g, " ");
  }

  function shown(cell) {
    return cell.suppressed ? "<" + minCount : String(cell.count);
  }

  function status(message, isError) {
    var node = $("status");
    node.textContent = message || "";
    node.className = isError ? "error" : "";
  }

  // API ------------------------------------------------------------------------------------

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function params(extra) {
    var query = new URLSearchParams();
    var from = $("from").value, to = $("to").value, city = $("city").value.trim().toLowerCase();
    if (from) { query.set("from", from); }
    if (to) { query.set("to", to); }
    if (city) { query.set("city", city); }
    Object.keys(extra).forEach(function (key) {
      [].concat(extra[key]).forEach(function (value) { query.append(key, value); });
    });
    return query.toString();
  }

  function request(path, extra) {
    return fetch(API + path + "?" + params(extra), {
      headers: { "Authorization": "Bearer " + token() },
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      if (response.ok) { return response; }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var error = new Error(typeof body.detail === "string" ? body.detail : response.statusText);
        error.status = response.status;
        throw error;
      });
    });
  }

  function json(path, extra) {
    return request(path, extra).then(function (response) { return response.json(); });
  }

  function failed(error) {
    if (error.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignin();
      status("The token was refused: " + error.message, true);
    } else if (error.status === 403) {
      status("This account may not read statistics (authority or city team only).", true);
    } else {
      status("Could not load the statistics: " + error.message, true);
    }
  }

  // Tables ---------------------------------------------------------------------------------

  function table(container, headers, rows, numeric) {
    var node = el("table");
    var head = el("thead"), headRow = el("tr");
    headers.forEach(function (header, index) {
      headRow.appendChild(el("th", { scope: "col", "class": numeric[index] ? "num" : "" }, header));
    });
    head.appendChild(headRow);
    node.appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var line = el("tr");
      row.forEach(function (value, index) {
        line.appendChild(el(index === 0 ? "th" : "td",
          index === 0 ? { scope: "row" } : { "class": numeric[index] ? "num" : "" }, value));
      });
      body.appendChild(line);
    });
    node.appendChild(body);
    container.replaceChildren(node);
  }

  function empty(container, message) {
    container.replaceChildren(el("p", { "class": "hint" }, message));
  }

  // Charts ---------------------------------------------------------------------------------

  function chartFrame(title, description, width, height) {
    var id = "c" + Math.random().toString(36).slice(2);
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
                            "aria-labelledby": id + "t " + id + "d" });
    root.appendChild(svg("title", { id: id + "t" }, title));
    root.appendChild(svg("desc", { id: id + "d" }, description));
    return root;
  }

  function niceMax(value) {
    if (value <= 0) { return 1; }
    var step = Math.pow(10, Math.floor(Math.log10(value)));
    var nice = [1, 2, 2.5, 5, 10].map(function (f) { return f * step; })
      .filter(function (candidate) { return candidate >= value; })[0];
    return nice;
  }

  function weekly(data) {
    var weeks = [], categories = [];
    data.cells.forEach(function (cell) {
      if (weeks.indexOf(cell.week) < 0) { weeks.push(cell.week); }
      if (categories.indexOf(cell.category) < 0) { categories.push(cell.category); }
    });
    weeks.sort();
    var container = $("weekly");
    if (!weeks.length) {
      empty(container, "No questions in this period.");
      $("weekly-table").replaceChildren();
      return;
    }
    var byWeek = {};
    data.cells.forEach(function (cell) {
      (byWeek[cell.week] = byWeek[cell.week] || {})[label(cell.category)] = cell;
    });
    var totals = weeks.map(function (week) {
      return categories.reduce(function (sum, category) {
        var cell = byWeek[week][label(category)];
        return sum + (cell && !cell.suppressed ? cell.count : 0);
      }, 0);
    });
    var width = 640, height = 300, left = 44, bottom = 46, top = 22;
    var plotHeight = height - top - bottom, max = niceMax(Math.max.apply(null, totals));
    var band = (width - left - 8) / weeks.length, bar = Math.max(4, band * 0.7);
    var root = chartFrame("Questions per week, by category",
      "Stacked bars, one per week; hidden counts (<" + minCount + ") are not drawn.", width, height);
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotHeight * (1 - f);
      root.appendChild(svg("line", { x1: left, x2: width - 4, y1: y, y2: y, "class": "axis" }));
      root.appendChild(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end" },
                           String(Math.round(max * f))));
    });
    weeks.forEach(function (week, index) {
      var x = left + index * band + (band - bar) / 2, y = top + plotHeight, hidden = [];
      categories.forEach(function (category, c) {
        var cell = byWeek[week][label(category)];
        if (!cell) { return; }
        if (cell.suppressed) { hidden.push(label(category)); return; }
        var h = plotHeight * cell.count / max;
        y -= h;
        var rect = svg("rect", { x: x, y: y, width: bar, height: h,
                                 fill: COLOURS[c % COLOURS.length], stroke: "#ffffff" });
        rect.appendChild(svg("title", {}, week + ", " + label(category) + ": " + cell.count));
        root.appendChild(rect);
      });
      if (hidden.length) {
        var mark = svg("text", { x: x + bar / 2, y: y - 4, "text-anchor": "middle",
                                 "class": "hidden-mark" }, "<" + minCount);
        mark.appendChild(svg("title", {}, week + ", fewer than " + minCount + " or hidden: " +
                                         hidden.join(", ")));
        root.appendChild(mark);
      }
      if (weeks.length <= 16 || index % 2 === 0) {
        root.appendChild(svg("text", { x: x + bar / 2, y: height - bottom + 16,
                                       "text-anchor": "middle" }, week.replace(/^\d{4}-/, "")));
      }
    });
    var legend = el("ul", { "class": "legend", "aria-label": "Categories" });
    categories.forEach(function (category, c) {
      var item = el("li");
      var swatch = el("span", { "class": "swatch", "aria-hidden": "true" });
      swatch.setAttribute("data-colour", String(c % COLOURS.length));
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(label(category)));
      legend.appendChild(item);
    });
    container.replaceChildren(root, legend);
    // Colours through the CSSOM: the page's policy allows no inline style attributes.
    legend.querySelectorAll(".swatch").forEach(function (swatch) {
      swatch.style.background = COLOURS[Number(swatch.getAttribute("data-colour"))];
    });
    table($("weekly-table"), ["Week"].concat(categories.map(label)),
      weeks.map(function (week) {
        return [week].concat(categories.map(function (category) {
          var cell = byWeek[week][label(category)];
          return cell ? shown(cell) : "0";
        }));
      }),
      [false].concat(categories.map(function () { return true; })));
  }

  function bars(container, title, rows) {
    // rows: [{name, cell}] drawn as horizontal bars; hidden counts get text, never a bar.
    if (!rows.length) { empty(container, "Nothing in this period."); return; }
    var width = 640, row = 26, left = 200, right = 60;
    var height = rows.length * row + 10;
    var max = niceMax(Math.max.apply(null, rows.map(function (r) {
      return r.cell.suppressed ? 0 : r.cell.count;
    })));
    var root = chartFrame(title, "Horizontal bars; hidden counts (<" + minCount +
                          ") are written, not drawn.", width, height);
    rows.forEach(function (r, index) {
      var y = 5 + index * row;
      root.appendChild(svg("text", { x: left - 8, y: y + 16, "text-anchor": "end" },
                           r.name.length > 30 ? r.name.slice(0, 29) + "…" : r.name));
      var length = r.cell.suppressed ? 0 : (width - left - right) * r.cell.count / max;
      if (length > 0) {
        root.appendChild(svg("rect", { x: left, y: y + 3, width: length, height: row - 8,
                                       fill: COLOURS[0] }));
      }
      root.appendChild(svg("text", { x: left + length + 6, y: y + 16,
                                     "class": r.cell.suppressed ? "hidden-mark" : "" },
                           shown(r.cell)));
    });
    container.replaceChildren(root);
  }

  function languages(data) {
    var rows = data.cells.map(function (cell) { return { name: label(cell.language), cell: cell }; });
    rows.sort(function (a, b) {
      if (a.cell.suppressed !== b.cell.suppressed) { return a.cell.suppressed ? 1 : -1; }
      return (b.cell.count || 0) - (a.cell.count || 0) || a.name.localeCompare(b.name);
    });
    bars($("languages"), "Questions per language", rows);
    table($("languages-table"), ["Language", "Questions"],
      rows.map(function (r) { return [r.name, shown(r.cell)]; }), [false, true]);
  }

  function unmet(data) {
    var rows = data.cells.map(function (cell) {
      return { name: label(cell.district) + " (" + label(cell.city) + "), " + label(cell.category),
               cell: cell };
    });
    bars($("unmet"), "Unmet needs by district", rows);
    if (!data.cells.length) { $("unmet-table").replaceChildren(); return; }
    table($("unmet-table"), ["District", "City", "Category", "Questions"],
      data.cells.map(function (cell) {
        return [label(cell.district), label(cell.city), label(cell.category), shown(cell)];
      }), [false, false, false, true]);
  }

  // Page -----------------------------------------------------------------------------------

  function load() {
    status("Loading…");
    return Promise.all([
      json("/stats", { group_by: ["week", "category"] }),
      json("/stats", { group_by: "language" }),
      json("/stats/unmet", { limit: "15" })
    ]).then(function (answers) {
      minCount = answers[0].min_count;
      $("from").value = answers[0].from;
      $("to").value = answers[0].to;
      $("period").textContent = "Whole weeks from " + answers[0].from + " to " + answers[0].to +
        ". Total questions: " + (answers[0].total === null ? "<" + minCount : answers[0].total) +
        ". Counts below " + minCount + " read <" + minCount + ".";
      weekly(answers[0]);
      languages(answers[1]);
      unmet(answers[2]);
      status("");
    }).catch(failed);
  }

  function download() {
    status("Preparing the CSV…");
    request("/stats.csv", { group_by: ["week", "category"] }).then(function (response) {
      var disposition = response.headers.get("Content-Disposition") || "";
      var match = /filename="([^"]+)"/.exec(disposition);
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = el("a", { href: url, download: match ? match[1] : "dalil-stats.csv" });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        status("CSV downloaded.");
      });
    }).catch(failed);
  }

  function showSignin() {
    $("dashboard").hidden = true;
    $("signin").hidden = false;
    $("token").focus();
  }

  function showDashboard() {
    $("signin").hidden = true;
    $("dashboard").hidden = false;
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("token-form").addEventListener("submit", function (event) {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
      $("token").value = "";
      showDashboard();
    });
    $("range-form").addEventListener("submit", function (event) {
      event.preventDefault();
      load();
    });
    $("download").addEventListener("click", download);
    $("signout").addEventListener("click", function () {
      sessionStorage.removeItem(TOKEN_KEY);
      status("The token is forgotten.");
      showSignin();
    });
    if (token()) { showDashboard(); } else { showSignin(); }
  });
}());

// Client-side search of the protocol reference. The index (assets/search-index.js, built at
// codegen time) is loaded on first use with a <script> element, so search works from file://
// as well as from a web server. Results are built with DOM calls (textContent), never HTML.
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || ".";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var form = input && input.form;
  var pageList = document.getElementById("search-page-results");
  var pageStatus = document.getElementById("search-page-status");
  var DROPDOWN_LIMIT = 10;
  var loading = null;

  function loadIndex() {
    if (self.protocolSearchIndex) return Promise.resolve(self.protocolSearchIndex);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root + "/assets/search-index.js";
        script.onload = function () { resolve(self.protocolSearchIndex || []); };
        script.onerror = function () { loading = null; reject(new Error("the search index could not be loaded")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // Every term must match the name or the summary. A whole name segment beats a segment
  // prefix, which beats a substring of the name, which beats a word in the summary; methods
  // rank above types at equal score, then index order (which is the site's order).
  function search(entries, query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0) return [];
    var scored = [];
    for (var i = 0; i < entries.length; i++) {
      var name = entries[i][0].toLowerCase();
      var summary = entries[i][3].toLowerCase();
      var segments = name.split("/");
      var score = 0;
      for (var t = 0; t < terms.length; t++) {
        var term = terms[t];
        var best = 0;
        if (name === term || segments.indexOf(term) !== -1) best = 100;
        else if (segments.some(function (segment) { return segment.indexOf(term) === 0; })) best = 60;
        else if (name.indexOf(term) !== -1) best = 40;
        else if (summary.indexOf(term) !== -1) best = 10;
        if (best === 0) { score = 0; break; }
        score += best;
      }
      if (score > 0) scored.push([score + (entries[i][1] === "type" ? 0 : 5), i]);
    }
    scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return scored.map(function (pair) { return entries[pair[1]]; });
  }

  function resultItem(entry) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = root + "/" + entry[2];
    var name = document.createElement("span");
    name.className = "result-name";
    name.textContent = entry[0];
    var kind = document.createElement("span");
    kind.className = "result-kind";
    kind.textContent = entry[1];
    link.appendChild(name);
    link.appendChild(document.createTextNode(" "));
    link.appendChild(kind);
    if (entry[3]) {
      var summary = document.createElement("span");
      summary.className = "result-summary";
      summary.textContent = entry[3];
      link.appendChild(summary);
    }
    item.appendChild(link);
    return item;
  }

  function countText(count, query) {
    return count === 0 ? "No results for \u201c" + query + "\u201d." : count + (count === 1 ? " result" : " results") + " for \u201c" + query + "\u201d.";
  }

  function showDropdown() {
    var query = input.value.trim();
    if (query === "") {
      list.hidden = true;
      list.textContent = "";
      status.textContent = "";
      return;
    }
    loadIndex().then(function (entries) {
      if (input.value.trim() !== query) return;
      var results = search(entries, query);
      list.textContent = "";
      results.slice(0, DROPDOWN_LIMIT).forEach(function (entry) { list.appendChild(resultItem(entry)); });
      if (results.length > DROPDOWN_LIMIT) {
        var more = document.createElement("li");
        more.className = "more";
        var link = document.createElement("a");
        link.href = root + "/search.html?q=" + encodeURIComponent(query);
        link.textContent = "All " + results.length + " results";
        more.appendChild(link);
        list.appendChild(more);
      }
      list.hidden = results.length === 0;
      status.textContent = countText(results.length, query);
    }, function (error) {
      status.textContent = "Search is unavailable: " + error.message + ".";
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  if (input && list && status && form) {
    input.addEventListener("input", showDropdown);
    input.addEventListener("focus", function () { loadIndex().catch(function () {}); if (input.value.trim() !== "") showDropdown(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden && links().length > 0) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape") {
        input.value = "";
        showDropdown();
      }
    });
    list.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
      else if (event.key === "Escape") { event.preventDefault(); list.hidden = true; input.focus(); }
    });
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) list.hidden = true;
    });
    form.addEventListener("focusin", function () {
      if (input.value.trim() !== "" && list.children.length > 0) list.hidden = false;
    });
  }

  // The full results page: search.html?q=…
  if (pageList && pageStatus) {
    var query = (new URLSearchParams(location.search).get("q") || "").trim();
    if (input) input.value = query;
    if (query !== "") {
      pageStatus.textContent = "Searching\u2026";
      loadIndex().then(function (entries) {
        var results = search(entries, query);
        results.forEach(function (entry) { pageList.appendChild(resultItem(entry)); });
        pageStatus.textContent = countText(results.length, query);
      }, function (error) {
        pageStatus.textContent = "Search is unavailable: " + error.message + ".";
      });
    }
  }
})();
